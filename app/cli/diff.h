// `jaxray-cli diff A B`: two jaxprs side by side, aligned by structure.
#pragma once

#include <string>
#include <vector>

namespace jxr::cli {

extern const char* const kDiffUsage;

// Runs `diff` on the arguments after the command name. Returns the exit
// status: 0 identical, 1 different, 2 bad usage or unreadable input.
int run_diff(const std::vector<std::string>& args);

}  // namespace jxr::cli
