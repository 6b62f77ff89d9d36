#include "ferrum/quantize.h"

namespace ferrum {

Quat canonicalQuat(Quat q) {
  const float len = std::sqrt(q.x * q.x + q.y * q.y + q.z * q.z + q.w * q.w);
  if (!(len > 1e-6f)) return {};
  q = {q.x / len, q.y / len, q.z / len, q.w / len};
  const float comps[4] = {q.x, q.y, q.z, q.w};
  int largest = 0;
  for (int i = 1; i < 4; ++i)
    if (std::fabs(comps[i]) > std::fabs(comps[largest])) largest = i;
  if (comps[largest] < 0) q = {-q.x, -q.y, -q.z, -q.w};
  return q;
}

Quat snapQuat(Quat q, int bits) {
  WriteStream out(64);
  serializeQuatSmallestThree(out, q, bits);
  ReadStream in(out.buffer().data(), out.bits());
  Quat result;
  serializeQuatSmallestThree(in, result, bits);
  return result;
}

} // namespace ferrum
