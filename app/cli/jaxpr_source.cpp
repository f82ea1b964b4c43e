// Reading a jaxpr argument: text, standard input, or FILE:JAXPR from a trace.
#include "app/cli/jaxpr_source.h"

#include <algorithm>
#include <array>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <sstream>
#include <vector>

#include "engine/core/error.h"
#include "engine/jaxpr/parse.h"
#include "trace_store/trace_reader.h"

namespace jxr::cli {

namespace {

[[noreturn]] void fail(const std::string& msg) { throw Error(ErrorKind::Value, msg); }

ClosedJaxpr parse_named(const std::string& text, const std::string& name) {
  try {
    return parse_jaxpr(text, name);
  } catch (const ParseError& e) {
    fail(name + ":" + e.what());
  }
}

std::string ids_of(const std::vector<trace::JaxprInfo>& js) {
  std::string s;
  for (const trace::JaxprInfo& j : js) s += (s.empty() ? "" : ", ") + std::to_string(j.id) + " " + j.transform_chain;
  return s;
}

// The stored jaxpr `selector` names: all digits is an id, anything else a
// transform chain; empty picks the only one.
const trace::JaxprInfo& select(const std::vector<trace::JaxprInfo>& js, const std::string& path,
                               const std::string& selector) {
  if (selector.empty()) {
    if (js.size() == 1) return js.front();
    if (js.empty()) fail(path + ": the trace holds no jaxpr");
    fail(path + ": the trace holds " + std::to_string(js.size()) + " jaxprs; name one as " + path + ":ID or " +
         path + ":CHAIN (" + ids_of(js) + ")");
  }
  if (std::all_of(selector.begin(), selector.end(), [](char c) { return c >= '0' && c <= '9'; })) {
    auto it = std::find_if(js.begin(), js.end(), [&](const auto& j) { return std::to_string(j.id) == selector; });
    if (it == js.end()) fail(path + ": no jaxpr with id " + selector + " (" + ids_of(js) + ")");
    return *it;
  }
  std::vector<const trace::JaxprInfo*> found;
  for (const trace::JaxprInfo& j : js)
    if (j.transform_chain == selector) found.push_back(&j);
  if (found.empty()) fail(path + ": no jaxpr with transform chain '" + selector + "' (" + ids_of(js) + ")");
  if (found.size() > 1) {
    std::string ids;
    for (const trace::JaxprInfo* j : found) ids += (ids.empty() ? "" : ", ") + std::to_string(j->id);
    fail(path + ": transform chain '" + selector + "' is ambiguous: jaxprs " + ids + "; name one by id");
  }
  return *found.front();
}

ClosedJaxpr load_from_trace(const std::string& path, const std::string& selector, const std::string& arg) {
  trace::TraceReader reader(path);
  return parse_named(select(reader.jaxprs(), path, selector).text, arg);
}

bool is_file(const std::string& path) {
  std::error_code ec;
  return std::filesystem::is_regular_file(path, ec);
}

}  // namespace

bool is_trace_file(const std::string& path) {
  // SQLite's 100-byte header: the magic string, then at offset 68 the
  // big-endian application id.
  std::array<unsigned char, 100> header{};
  std::ifstream in(path, std::ios::binary);
  if (!in.read(reinterpret_cast<char*>(header.data()), header.size())) return false;
  if (std::memcmp(header.data(), "SQLite format 3", 16) != 0) return false;
  uint32_t id = uint32_t(header[68]) << 24 | uint32_t(header[69]) << 16 | uint32_t(header[70]) << 8 | header[71];
  return id == uint32_t(trace::kApplicationId);
}

ClosedJaxpr load_jaxpr(const std::string& arg) {
  if (arg == "-") {
    std::stringstream text;
    text << std::cin.rdbuf();
    return parse_named(text.str(), "<stdin>");
  }
  if (!is_file(arg)) {
    // FILE:SELECTOR. FILE is the shortest prefix before a colon that names
    // a file, so a selector (a chain) may itself hold colons.
    for (size_t colon = arg.find(':'); colon != std::string::npos; colon = arg.find(':', colon + 1)) {
      std::string path = arg.substr(0, colon);
      if (!is_file(path)) continue;
      if (!is_trace_file(path))
        fail("'" + path + "' is not a jaxray trace, so '" + arg.substr(colon) + "' selects nothing in it");
      return load_from_trace(path, arg.substr(colon + 1), arg);
    }
    fail("cannot open '" + arg + "'");
  }
  if (is_trace_file(arg)) return load_from_trace(arg, "", arg);
  std::ifstream in(arg, std::ios::binary);
  if (!in) fail("cannot open '" + arg + "'");
  std::stringstream text;
  text << in.rdbuf();
  return parse_named(text.str(), arg);
}

}  // namespace jxr::cli
