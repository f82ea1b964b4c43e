// `jaxray-cli record`: a program (a jaxpr text file, or a function of a
// Python script), optionally transformed, stepped to the end in one mode and
// written into a `.jaxray` trace. See docs/cli_record.md.
#pragma once

#include <string>
#include <vector>

namespace jxr::cli {

extern const char* const kRecordUsage;

// Runs `record` on the arguments after the command name. Returns the exit
// status: 0 recorded, 1 bad input or a failing run, 2 bad usage.
int run_record(const std::vector<std::string>& args);

}  // namespace jxr::cli
