// One array as the value inspector sees it: name, dtype (as jaxprs spell it:
// f32, i32, bool ...), shape and row-major values widened to double (bool
// and integers included; every jaxray dtype but i64 beyond 2^53 fits
// exactly). app/ fills it from engine arrays; the panels need nothing else.
#pragma once

#include <QString>
#include <QStringList>
#include <QVector>

namespace jxr::views {

struct ArrayData {
  QString name;
  QString dtype;
  QVector<qint64> shape;
  QVector<double> values;  // row-major

  int ndim() const { return static_cast<int>(shape.size()); }
  // The product of the shape: 1 for a scalar, 0 when any axis is empty; -1
  // for a negative extent.
  qint64 element_count() const {
    qint64 n = 1;
    for (qint64 d : shape) {
      if (d < 0) return -1;
      n *= d;
    }
    return n;
  }
  // Row-major strides in elements.
  QVector<qint64> strides() const {
    QVector<qint64> s(shape.size(), 1);
    for (qsizetype i = shape.size() - 1; i > 0; --i) s[i - 1] = s[i] * shape[i];
    return s;
  }
  // Whether the values match the shape; the inspector shows nothing else.
  bool consistent() const { return element_count() == values.size(); }
  bool is_bool() const { return dtype == QLatin1String("bool"); }
  // Signed and unsigned integers, short (i32, u32) or long (int32) names.
  bool is_integer() const {
    return dtype.startsWith(QLatin1Char('i')) || dtype.startsWith(QLatin1Char('u'));
  }
  // The shape as jaxprs print it: f32[2,3], i32[] for a scalar.
  QString type_string() const {
    QStringList dims;
    for (qint64 d : shape) dims << QString::number(d);
    return dtype + QLatin1Char('[') + dims.join(QLatin1Char(',')) + QLatin1Char(']');
  }
};

}  // namespace jxr::views
