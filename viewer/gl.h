#pragma once
// OpenGL 3.3 core entry points. Mesa's libGL (glvnd) exports every core function, so
// the prototypes are linked directly instead of through a hand-written loader.

#ifndef GL_GLEXT_PROTOTYPES
#define GL_GLEXT_PROTOTYPES 1
#endif
#include <GL/glcorearb.h>
