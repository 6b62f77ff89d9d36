#pragma once
/// Which ferrum this is. Peers also check the wire format's version at connect time:
/// ferrum::protocolVersion() (net_config.h); two builds with the same protocol
/// version can play together even if their library versions differ.

namespace ferrum {

/// The library's version, "MAJOR.MINOR.PATCH" (0.x: a minor version may change the API).
const char* version();

} // namespace ferrum
