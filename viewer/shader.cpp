#include "viewer/shader.h"

#include <vector>

namespace viewer {

namespace {

GLuint compile(GLenum kind, const char* source, std::string& error) {
  const GLuint shader = glCreateShader(kind);
  glShaderSource(shader, 1, &source, nullptr);
  glCompileShader(shader);
  GLint ok = 0;
  glGetShaderiv(shader, GL_COMPILE_STATUS, &ok);
  if (ok) return shader;
  GLint length = 0;
  glGetShaderiv(shader, GL_INFO_LOG_LENGTH, &length);
  std::vector<char> log(static_cast<size_t>(length) + 1, '\0');
  glGetShaderInfoLog(shader, length, nullptr, log.data());
  error = std::string(kind == GL_VERTEX_SHADER ? "vertex shader: " : "fragment shader: ") + log.data();
  glDeleteShader(shader);
  return 0;
}

} // namespace

Shader::~Shader() {
  if (m_program) glDeleteProgram(m_program);
}

bool Shader::build(const char* vertexSource, const char* fragmentSource, std::string& error) {
  const GLuint vs = compile(GL_VERTEX_SHADER, vertexSource, error);
  if (!vs) return false;
  const GLuint fs = compile(GL_FRAGMENT_SHADER, fragmentSource, error);
  if (!fs) {
    glDeleteShader(vs);
    return false;
  }
  m_program = glCreateProgram();
  glAttachShader(m_program, vs);
  glAttachShader(m_program, fs);
  glLinkProgram(m_program);
  glDeleteShader(vs);
  glDeleteShader(fs);
  GLint ok = 0;
  glGetProgramiv(m_program, GL_LINK_STATUS, &ok);
  if (!ok) {
    char log[1024] = {};
    glGetProgramInfoLog(m_program, sizeof(log), nullptr, log);
    error = std::string("link: ") + log;
    return false;
  }
  return true;
}

GLint Shader::uniform(const char* name) {
  auto it = m_uniforms.find(name);
  if (it != m_uniforms.end()) return it->second;
  const GLint location = glGetUniformLocation(m_program, name);
  m_uniforms.emplace(name, location);
  return location;
}

} // namespace viewer
