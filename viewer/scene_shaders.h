#pragma once
// GLSL for the scene: one lit shader for everything (sun + hemisphere ambient + up to
// kMaxLights point lights from effects), with a procedural grid for the floor and
// distance fog so the arena's edge fades instead of ending on a hard line.

namespace viewer {

constexpr int kMaxLights = 8;

inline const char* kSceneVertexShader = R"(#version 330 core
layout(location = 0) in vec3 aPos;
layout(location = 1) in vec3 aNormal;
uniform mat4 uModel;
uniform mat4 uViewProj;
out vec3 vWorld;
out vec3 vNormal;
void main() {
  vec4 world = uModel * vec4(aPos, 1.0);
  vWorld = world.xyz;
  vNormal = transpose(inverse(mat3(uModel))) * aNormal;
  gl_Position = uViewProj * world;
}
)";

inline const char* kSceneFragmentShader = R"(#version 330 core
in vec3 vWorld;
in vec3 vNormal;
out vec4 fragColour;
uniform vec4 uColour;
uniform float uEmissive;
uniform int uFloor;
uniform vec3 uEye;
uniform vec3 uSky;
uniform int uLightCount;
uniform vec3 uLightPos[8];
uniform vec3 uLightColour[8];
uniform float uLightRadius[8];
const vec3 kSun = normalize(vec3(0.45, 1.0, 0.3));
void main() {
  vec3 base = uColour.rgb;
  if (uFloor == 1) {
    vec2 cell = floor(vWorld.xz);
    float checker = mod(cell.x + cell.y, 2.0);
    base *= mix(0.9, 1.0, checker);
    vec2 line = abs(fract(vWorld.xz / 5.0 + 0.5) - 0.5) * 5.0;
    base *= mix(0.75, 1.0, smoothstep(0.0, 0.06, min(line.x, line.y)));
  }
  vec3 n = normalize(vNormal);
  if (!gl_FrontFacing) n = -n;
  vec3 v = normalize(uEye - vWorld);
  float diffuse = max(dot(n, kSun), 0.0);
  float spec = pow(max(dot(n, normalize(kSun + v)), 0.0), 40.0) * 0.2;
  vec3 ambient = mix(vec3(0.3, 0.28, 0.26), vec3(0.5, 0.55, 0.63), n.y * 0.5 + 0.5);
  vec3 colour = base * (ambient + diffuse * vec3(0.9, 0.86, 0.78)) + spec;
  for (int i = 0; i < uLightCount; ++i) {
    vec3 toLight = uLightPos[i] - vWorld;
    float d = length(toLight);
    float falloff = clamp(1.0 - d / uLightRadius[i], 0.0, 1.0);
    colour += base * uLightColour[i] * (max(dot(n, toLight / max(d, 1e-3)), 0.0) * 0.8 + 0.2) * falloff * falloff;
  }
  colour = mix(colour, uColour.rgb, uEmissive);
  float fog = clamp((length(uEye - vWorld) - 45.0) / 70.0, 0.0, 1.0);
  colour = mix(colour, uSky, fog);
  fragColour = vec4(colour, uColour.a);
}
)";

} // namespace viewer
