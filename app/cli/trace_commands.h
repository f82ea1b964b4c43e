// `jaxray-cli show|values|check FILE`: reading `.jaxray` trace files from
// the command line, through trace_store's TraceReader and check.
#pragma once

#include <string>
#include <vector>

#include "engine/core/array.h"

namespace jxr::cli {

extern const char* const kShowUsage;
extern const char* const kValuesUsage;
extern const char* const kCheckUsage;

// Each runs its command on the arguments after the command name and returns
// the exit status: 0 done (check: the file is sound), 1 an unreadable or
// damaged file or a run or step it lacks, 2 bad usage.
int run_show(const std::vector<std::string>& args);
int run_values(const std::vector<std::string>& args);
int run_check(const std::vector<std::string>& args);

// numpy-like one-line text of `a` as Array::str gives it, except that an
// array of more than 10 elements shows only the first and last 3 entries of
// each longer axis, with `...` between ("[0.0 1.0 2.0 ... 7.0 8.0 9.0]").
std::string summarize_array(const Array& a);

}  // namespace jxr::cli
