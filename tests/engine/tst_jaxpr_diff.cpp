// The structural jaxpr diff: rows and variable renaming, compared exactly
// through a one-line-per-row summary.
#include <QtTest>

#include <fstream>
#include <sstream>

#include "engine/debug/jaxpr_diff.h"
#include "engine/jaxpr/parse.h"

using namespace jxr;

namespace {

ClosedJaxpr golden(const std::string& name) {
  std::ifstream in(JAXRAY_SOURCE_DIR "/tests/golden/transforms/" + name + ".txt");
  std::stringstream ss;
  ss << in.rdbuf();
  return parse_jaxpr(ss.str(), name);
}

std::string index(const std::optional<size_t>& i) { return i ? std::to_string(*i) : "-"; }

// `= 0 0`, `~ 1 1 params.axes: (0,) -> (1,)`, `< 2 -`; sub-diffs indented
// under their row; input and output changes as `in ...` / `out ...`.
void summarize(const JaxprDiff& d, const std::string& indent, std::vector<std::string>& out) {
  auto changes = [](const std::vector<FieldChange>& cs) {
    std::string s;
    for (const FieldChange& c : cs) s += " " + c.field + ": " + c.left + " -> " + c.right;
    return s;
  };
  if (!d.input_changes.empty()) out.push_back(indent + "in" + changes(d.input_changes));
  for (const DiffRow& r : d.rows) {
    out.push_back(indent + diff_kind_marker(r.kind) + " " + index(r.left) + " " + index(r.right) + changes(r.changes));
    for (const SubDiff& s : r.subs) {
      out.push_back(indent + "  " + s.path + ":");
      summarize(s.diff, indent + "    ", out);
    }
  }
  if (!d.output_changes.empty()) out.push_back(indent + "out" + changes(d.output_changes));
}

QStringList summary(const JaxprDiffResult& r) {
  std::vector<std::string> lines;
  summarize(r.top, "", lines);
  QStringList out;
  for (const std::string& l : lines) out << QString::fromStdString(l);
  return out;
}

QStringList renames(const JaxprDiffResult& r) {
  QStringList out;
  for (const VarPair& p : r.renames) out << QString::fromStdString(p.left_name + "=" + p.right_name);
  return out;
}

}  // namespace

class TestJaxprDiff : public QObject {
  Q_OBJECT
 private slots:
  void identical_up_to_names();
  void extra_equation();
  void reordered_equations_rename_vars();
  void changed_param();
  void changed_signature();
  void grad_max_vs_grad_logsumexp();
  void jit_grad_vs_jvp_jit_recurses_into_bodies();
};

void TestJaxprDiff::identical_up_to_names() {
  ClosedJaxpr l = parse_jaxpr("{ lambda ; x:f32[3]. let y:f32[3] = sin x; z:f32[3] = mul y x in (z,) }");
  ClosedJaxpr r = parse_jaxpr("{ lambda ; p:f32[3]. let q:f32[3] = sin p; s:f32[3] = mul q p in (s,) }");
  JaxprDiffResult d = diff_jaxprs(*l.jaxpr, *r.jaxpr);
  QVERIFY(d.top.identical());
  QCOMPARE(summary(d), QStringList({"= 0 0", "= 1 1"}));
  QCOMPARE(renames(d), QStringList({"a=a", "b=b", "c=c"}));
}

void TestJaxprDiff::extra_equation() {
  ClosedJaxpr l = parse_jaxpr("{ lambda ; a:f32[3]. let b:f32[3] = sin a; c:f32[3] = cos b in (c,) }");
  ClosedJaxpr r = parse_jaxpr(
      "{ lambda ; a:f32[3]. let b:f32[3] = sin a; c:f32[3] = neg b; d:f32[3] = cos b in (d, c) }");
  JaxprDiffResult d = diff_jaxprs(*l.jaxpr, *r.jaxpr);
  QVERIFY(!d.top.identical());
  QCOMPARE(summary(d), QStringList({"= 0 0", "> - 1", "= 1 2", "out outputs[1]:  -> c:f32[3]"}));
  QCOMPARE(renames(d), QStringList({"a=a", "b=b", "c=d"}));
}

// exp moved from first to last: the order-preserving alignment matches the
// longer run (sin, cos), shows exp as removed and added, and the add that
// reads it as changed; names shift (left c is right b).
void TestJaxprDiff::reordered_equations_rename_vars() {
  ClosedJaxpr l = parse_jaxpr(
      "{ lambda ; a:f32[]. let b:f32[] = exp a; c:f32[] = sin a; d:f32[] = cos c; e:f32[] = add d b in (e,) }");
  ClosedJaxpr r = parse_jaxpr(
      "{ lambda ; a:f32[]. let b:f32[] = sin a; c:f32[] = cos b; d:f32[] = exp a; e:f32[] = add c d in (e,) }");
  JaxprDiffResult d = diff_jaxprs(*l.jaxpr, *r.jaxpr);
  QCOMPARE(summary(d), QStringList({"< 0 -", "= 1 0", "= 2 1", "> - 2", "~ 3 3 operands[1]: b:f32[] -> d:f32[]"}));
  QCOMPARE(renames(d), QStringList({"a=a", "c=b", "d=c", "e=e"}));
}

void TestJaxprDiff::changed_param() {
  ClosedJaxpr l = parse_jaxpr(
      "{ lambda ; a:f32[2,3]. let b:f32[3] = reduce_sum[axes=(0,) out_sharding=None] a; c:f32[3] = sin b;"
      " d:f32[2,3] = cos a in (c, d) }");
  ClosedJaxpr r = parse_jaxpr(
      "{ lambda ; a:f32[2,3]. let b:f32[2] = reduce_sum[axes=(1,) out_sharding=None] a; c:f32[2] = sin b;"
      " d:f32[2,3] = cos a in (c, d) }");
  JaxprDiffResult d = diff_jaxprs(*l.jaxpr, *r.jaxpr);
  QCOMPARE(summary(d), QStringList({"~ 0 0 params.axes: (0,) -> (1,) outputs[0]: b:f32[3] -> b:f32[2]",
                                    "~ 1 1 operands[0]: b:f32[3] -> b:f32[2] outputs[0]: c:f32[3] -> c:f32[2]",
                                    "= 2 2", "out outputs[0]: c:f32[3] -> c:f32[2]"}));
}

void TestJaxprDiff::changed_signature() {
  ClosedJaxpr l = parse_jaxpr("{ lambda ; a:f32[3]. let b:f32[3] = sin a in (b,) }");
  ClosedJaxpr r = parse_jaxpr("{ lambda ; a:f32[4] c:i32[]. let b:f32[4] = sin a in (b,) }");
  JaxprDiffResult d = diff_jaxprs(*l.jaxpr, *r.jaxpr);
  QCOMPARE(summary(d),
           QStringList({"in inputs[0]: a:f32[3] -> a:f32[4] inputs[1]:  -> b:i32[]",
                        "~ 0 0 operands[0]: a:f32[3] -> a:f32[4] outputs[0]: b:f32[3] -> c:f32[4]",
                        "out outputs[0]: b:f32[3] -> c:f32[4]"}));
}

void TestJaxprDiff::grad_max_vs_grad_logsumexp() {
  ClosedJaxpr l = golden("grad_max"), r = golden("grad_logsumexp");
  JaxprDiffResult d = diff_jaxprs(*l.jaxpr, *r.jaxpr);
  QCOMPARE(summary(d), QStringList({"in inputs[0]: a:f32[4] -> a:f32[5]",
                                    "~ 0 0 operands[0]: a:f32[4] -> a:f32[5]",
                                    "= 1 1",
                                    "~ 2 2 operands[0]: a:f32[4] -> a:f32[5] outputs[0]: d:bool[4] -> d:bool[5]",
                                    "~ 3 3 operands[0]: d:bool[4] -> d:bool[5] outputs[0]: e:f32[4] -> e:f32[5]",
                                    "~ 4 4 operands[0]: e:f32[4] -> e:f32[5]",
                                    "> - 5", "> - 6", "> - 7", "> - 8", "> - 9",
                                    "~ 5 10 operands[1]: f:f32[] -> i:f32[]",
                                    "> - 11", "> - 12", "> - 13", "> - 14", "> - 15", "> - 16",
                                    "~ 6 17 params.shape: (4,) -> (5,) operands[0]: g:f32[] -> q:f32[]"
                                    " outputs[0]: h:f32[4] -> r:f32[5]",
                                    "~ 7 18 operands[0]: h:f32[4] -> r:f32[5] operands[1]: e:f32[4] -> e:f32[5]"
                                    " outputs[0]: i:f32[4] -> s:f32[5]",
                                    "> - 19", "out outputs[0]: i:f32[4] -> t:f32[5]"}));
}

void TestJaxprDiff::jit_grad_vs_jvp_jit_recurses_into_bodies() {
  ClosedJaxpr l = golden("jit_grad"), r = golden("jvp_jit");
  JaxprDiffResult d = diff_jaxprs(*l.jaxpr, *r.jaxpr);
  QCOMPARE(summary(d),
           QStringList({"in inputs[0]: a:f32[] -> a:f32[3] inputs[1]:  -> b:f32[3]",
                        "~ 0 0 operand count: 1 -> 2 operands[0]: a:f32[] -> a:f32[3] output count: 1 -> 2"
                        " outputs[0]: b:f32[] -> c:f32[3]",
                        "  jaxpr:",
                        "    in inputs[0]: a:f32[] -> a:f32[3] inputs[1]:  -> b:f32[3]",
                        "    ~ 0 0 operands[0]: a:f32[] -> a:f32[3] outputs[0]: c:f32[] -> e:f32[3]",
                        "    ~ 1 1 operands[0]: a:f32[] -> a:f32[3] outputs[0]: d:f32[] -> f:f32[3]",
                        "    ~ 2 2 operands[0]: c:f32[] -> b:f32[3] operands[1]: a:f32[] -> f:f32[3]"
                        " outputs[0]: e:f32[] -> g:f32[3]",
                        "    ~ 3 3 operands[0]: c:f32[] -> e:f32[3] operands[1]: 1.0:f32[] -> a:f32[3]"
                        " outputs[0]: f:f32[] -> c:f32[3]",
                        "    ~ 4 4 operands[0]: 1.0:f32[] -> g:f32[3] operands[1]: a:f32[] -> a:f32[3]"
                        " outputs[0]: g:f32[] -> h:f32[3]",
                        "    ~ 5 5 operands[0]: g:f32[] -> e:f32[3] operands[1]: d:f32[] -> b:f32[3]"
                        " outputs[0]: h:f32[] -> i:f32[3]",
                        "    ~ 6 6 operands[0]: f:f32[] -> h:f32[3] operands[1]: h:f32[] -> i:f32[3]"
                        " outputs[0]: b:f32[] -> d:f32[3]",
                        "    out outputs[0]: b:f32[] -> c:f32[3] outputs[1]:  -> d:f32[3]",
                        "out outputs[0]: b:f32[] -> c:f32[3] outputs[1]:  -> d:f32[3]"}));
  // Names per side come from one full print, so the jit body's vars are
  // named like the operands they receive (a) and results they give (b, c).
  QCOMPARE(renames(d), QStringList({"a=a", "b=c", "a=a", "c=e", "d=f", "e=g", "f=c", "g=h", "h=i", "b=d"}));
}

QTEST_GUILESS_MAIN(TestJaxprDiff)
#include "tst_jaxpr_diff.moc"
