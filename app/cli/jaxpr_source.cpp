// Reading a jaxpr argument of `diff` and `export`.
#include "app/cli/jaxpr_source.h"

#include <fstream>
#include <iostream>
#include <sstream>

#include "engine/core/error.h"
#include "engine/jaxpr/parse.h"

namespace jxr::cli {

ClosedJaxpr load_jaxpr(const std::string& arg) {
  std::stringstream text;
  if (arg == "-") {
    text << std::cin.rdbuf();
  } else {
    std::ifstream in(arg, std::ios::binary);
    if (!in) throw Error(ErrorKind::Value, "cannot open '" + arg + "'");
    text << in.rdbuf();
  }
  std::string name = arg == "-" ? "<stdin>" : arg;
  try {
    return parse_jaxpr(text.str(), name);
  } catch (const ParseError& e) {
    throw Error(ErrorKind::Value, name + ":" + e.what());
  }
}

}  // namespace jxr::cli
