#pragma once
// A linked GLSL program with cached uniform lookups.

#include <string>
#include <unordered_map>

#include "viewer/gl.h"

namespace viewer {

class Shader {
public:
  Shader() = default;
  ~Shader();
  Shader(const Shader&) = delete;
  Shader& operator=(const Shader&) = delete;

  /// Compiles and links; false (with the GL log in `error`) on failure.
  bool build(const char* vertexSource, const char* fragmentSource, std::string& error);
  void use() const { glUseProgram(m_program); }
  /// -1 when the uniform does not exist (GL ignores writes to -1).
  GLint uniform(const char* name);

private:
  GLuint m_program = 0;
  std::unordered_map<std::string, GLint> m_uniforms;
};

} // namespace viewer
