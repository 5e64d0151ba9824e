// The inputs commopt parses from untrusted text, as fuzz targets: the LIBSVM reader and the spec
// parser. check_one() feeds one input to one target and returns an empty string when the target
// behaved (parsed it, or refused it with a UsageError whose message is one short printable line),
// otherwise a description of the fault. A crash or a hang shows up as the driver not returning.
#pragma once
#include <string>
#include <string_view>

namespace commopt::fuzz {

enum class Target { libsvm, spec };

std::string check_one(Target target, std::string_view input);

}  // namespace commopt::fuzz
