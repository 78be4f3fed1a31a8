#include "libsqlite3-compat/sql/parser.h"

#include <algorithm>
#include <cstdlib>
#include <initializer_list>
#include <vector>

#include "libsqlite3-compat/sql/tokenizer.h"
#include "libsqlite3-compat/text.h"

namespace litelift::compat::sql {

namespace {

// Words that end an expression or a name list where an alias could follow:
// never taken as an implicit alias (SQLite's grammar reaches the same
// decisions through its fallback rules).
bool EndsAlias(const Token& t) {
  static const char* const kWords[] = {
      "FROM",   "WHERE",   "GROUP",   "HAVING",  "ORDER",  "LIMIT",   "UNION",  "INTERSECT",
      "EXCEPT", "WINDOW",  "ON",      "USING",   "JOIN",   "LEFT",    "RIGHT",  "FULL",
      "INNER",  "CROSS",   "NATURAL", "OUTER",   "AND",    "OR",      "NOT",    "IS",
      "IN",     "LIKE",    "GLOB",    "MATCH",   "REGEXP", "BETWEEN", "ESCAPE", "COLLATE",
      "ISNULL", "NOTNULL", "ASC",     "DESC",    "NULLS",  "SET",     "VALUES", "RETURNING",
      "DO",     "OFFSET",  "INDEXED", "FILTER",  "OVER",   "THEN",    "WHEN",   "ELSE",
      "END",    "AS",      "SELECT",  "DEFAULT", "WITH"};
  if (t.type != TokenType::kWord) return true;
  for (const char* w : kWords) {
    if (IsWord(t, w)) return true;
  }
  return false;
}

constexpr int kMaxExprDepth = 1000;  // SQLITE_MAX_EXPR_DEPTH

class Parser {
 public:
  Parser(std::string_view sql, const std::function<int(std::string_view)>& parameter_index)
      : sql_(sql), tokens_(SignificantTokens(sql)), parameter_index_(parameter_index) {
    while (!tokens_.empty() && tokens_.back().type == TokenType::kOperator &&
           tokens_.back().text == ";") {
      tokens_.pop_back();
    }
  }

  ParseResult Run() {
    ParseResult result;
    auto stmt = ParseStatement();
    if (ok() && pos_ < tokens_.size()) Fail("cannot translate the text from");
    if (!ok()) {
      result.error = error_;
      result.error_offset = error_offset_;
      return result;
    }
    result.statement = std::move(stmt);
    return result;
  }

 private:
  // ---- tokens -------------------------------------------------------------

  bool ok() const { return error_.empty(); }
  bool AtEnd() const { return pos_ >= tokens_.size(); }
  const Token* Peek(size_t k = 0) const {
    return pos_ + k < tokens_.size() ? &tokens_[pos_ + k] : nullptr;
  }
  size_t Offset() const { return AtEnd() ? sql_.size() : tokens_[pos_].offset; }
  bool PeekWord(std::string_view w, size_t k = 0) const {
    const Token* t = Peek(k);
    return t != nullptr && IsWord(*t, w);
  }
  bool PeekOp(std::string_view op, size_t k = 0) const {
    const Token* t = Peek(k);
    return t != nullptr && t->type == TokenType::kOperator && t->text == op;
  }
  bool Word(std::string_view w) {
    if (!PeekWord(w)) return false;
    ++pos_;
    return true;
  }
  bool Op(std::string_view op) {
    if (!PeekOp(op)) return false;
    ++pos_;
    return true;
  }
  void Fail(const std::string& what) {
    if (!ok()) return;
    error_offset_ = Offset();
    std::string near = AtEnd() ? "the end" : "\"" + std::string(tokens_[pos_].text) + "\"";
    error_ = "litelift: " + what + " " + near + " (not translatable to PostgreSQL yet)";
  }
  void ExpectWord(std::string_view w) {
    if (!Word(w)) Fail("expected " + std::string(w) + " at");
  }
  void ExpectOp(std::string_view op) {
    if (!Op(op)) Fail("expected \"" + std::string(op) + "\" at");
  }
  bool PeekName(size_t k = 0) const {
    const Token* t = Peek(k);
    return t != nullptr && (t->type == TokenType::kWord || t->type == TokenType::kQuotedName);
  }
  std::string Name() {
    if (!PeekName()) {
      Fail("expected a name at");
      return "";
    }
    std::string storage;
    std::string out(NameText(tokens_[pos_++], &storage));
    return out;
  }
  // An alias: [AS] name, or a bare name that cannot be a keyword here.
  std::string Alias() {
    if (Word("AS")) {
      if (Peek() != nullptr && Peek()->type == TokenType::kString) {
        std::string_view s = tokens_[pos_++].text;
        return std::string(s.substr(1, s.size() - 2));
      }
      return Name();
    }
    const Token* t = Peek();
    if (t == nullptr) return "";
    if (t->type == TokenType::kQuotedName) return Name();
    if (t->type == TokenType::kString) {
      ++pos_;
      return std::string(t->text.substr(1, t->text.size() - 2));
    }
    if (t->type == TokenType::kWord && !EndsAlias(*t)) return Name();
    return "";
  }

  // ---- statements ---------------------------------------------------------

  std::unique_ptr<Statement> ParseStatement() {
    auto stmt = std::make_unique<Statement>();
    std::unique_ptr<With> with;
    if (PeekWord("WITH")) with = ParseWith();
    if (!ok()) return nullptr;
    if (PeekWord("SELECT") || PeekWord("VALUES")) {
      stmt->kind = Statement::Kind::kSelect;
      stmt->select = ParseSelect(std::move(with));
    } else if (PeekWord("INSERT") || PeekWord("REPLACE")) {
      stmt->kind = Statement::Kind::kInsert;
      stmt->insert = ParseInsert(std::move(with));
    } else if (PeekWord("UPDATE")) {
      stmt->kind = Statement::Kind::kUpdate;
      stmt->update = ParseUpdate(std::move(with));
    } else if (PeekWord("DELETE")) {
      stmt->kind = Statement::Kind::kDelete;
      stmt->del = ParseDelete(std::move(with));
    } else {
      Fail("cannot translate a statement starting with");
    }
    return ok() ? std::move(stmt) : nullptr;
  }

  std::unique_ptr<With> ParseWith() {
    auto with = std::make_unique<With>();
    ExpectWord("WITH");
    with->recursive = Word("RECURSIVE");
    do {
      CommonTable ct;
      ct.name = Name();
      if (Op("(")) {
        do ct.columns.push_back(Name());
        while (ok() && Op(","));
        ExpectOp(")");
      }
      ExpectWord("AS");
      if (Word("NOT")) {
        ExpectWord("MATERIALIZED");
        ct.materialized = "NOT MATERIALIZED";
      } else if (Word("MATERIALIZED")) {
        ct.materialized = "MATERIALIZED";
      }
      ExpectOp("(");
      ct.select = ParseSelect(nullptr);
      ExpectOp(")");
      with->tables.push_back(std::move(ct));
    } while (ok() && Op(","));
    return with;
  }

  TargetTable ParseTarget() {
    TargetTable t;
    t.offset = Offset();
    t.name = Name();
    if (Op(".")) {
      t.schema = t.name;
      t.name = Name();
    }
    if (Word("AS")) t.alias = Name();
    return t;
  }

  void SkipIndexed() {
    if (Word("INDEXED")) {
      ExpectWord("BY");
      Name();
    } else if (PeekWord("NOT") && PeekWord("INDEXED", 1)) {
      pos_ += 2;
    }
  }

  std::unique_ptr<Insert> ParseInsert(std::unique_ptr<With> with) {
    auto ins = std::make_unique<Insert>();
    ins->with = std::move(with);
    if (Word("REPLACE")) {
      ins->conflict = "REPLACE";
    } else {
      ExpectWord("INSERT");
      if (Word("OR")) ins->conflict = Upper(Name());
    }
    ExpectWord("INTO");
    ins->table = ParseTarget();
    if (Op("(")) {
      do ins->columns.push_back(Name());
      while (ok() && Op(","));
      ExpectOp(")");
    }
    if (Word("DEFAULT")) {
      ExpectWord("VALUES");
      ins->default_values = true;
    } else if (PeekWord("SELECT") || PeekWord("VALUES") || PeekWord("WITH")) {
      std::unique_ptr<With> inner;
      if (PeekWord("WITH")) inner = ParseWith();
      ins->source = ParseSelect(std::move(inner));
    } else {
      Fail("expected VALUES or SELECT at");
    }
    while (ok() && PeekWord("ON") && PeekWord("CONFLICT", 1)) {
      pos_ += 2;
      Upsert up;
      if (Op("(")) {
        do up.target.push_back(ParseOrderTerm());
        while (ok() && Op(","));
        ExpectOp(")");
        if (Word("WHERE")) up.target_where = ParseExpr();
      }
      ExpectWord("DO");
      if (Word("NOTHING")) {
        up.do_nothing = true;
      } else {
        ExpectWord("UPDATE");
        ExpectWord("SET");
        up.sets = ParseSets();
        if (Word("WHERE")) up.where = ParseExpr();
      }
      ins->upserts.push_back(std::move(up));
    }
    if (Word("RETURNING")) ins->returning = ParseResultColumns();
    return ins;
  }

  std::vector<SetClause> ParseSets() {
    std::vector<SetClause> sets;
    do {
      SetClause set;
      if (Op("(")) {
        do set.columns.push_back(Name());
        while (ok() && Op(","));
        ExpectOp(")");
      } else {
        set.columns.push_back(Name());
      }
      ExpectOp("=");
      set.value = ParseExpr();
      sets.push_back(std::move(set));
    } while (ok() && Op(","));
    return sets;
  }

  std::unique_ptr<Update> ParseUpdate(std::unique_ptr<With> with) {
    auto up = std::make_unique<Update>();
    up->with = std::move(with);
    ExpectWord("UPDATE");
    if (Word("OR")) up->conflict = Upper(Name());
    up->table = ParseTarget();
    SkipIndexed();
    ExpectWord("SET");
    up->sets = ParseSets();
    if (Word("FROM")) up->from = ParseJoinSource();
    if (Word("WHERE")) up->where = ParseExpr();
    if (Word("RETURNING")) up->returning = ParseResultColumns();
    ParseOrderLimit(&up->order_by, &up->limit, &up->offset);
    return up;
  }

  std::unique_ptr<Delete> ParseDelete(std::unique_ptr<With> with) {
    auto del = std::make_unique<Delete>();
    del->with = std::move(with);
    ExpectWord("DELETE");
    ExpectWord("FROM");
    del->table = ParseTarget();
    SkipIndexed();
    if (Word("WHERE")) del->where = ParseExpr();
    if (Word("RETURNING")) del->returning = ParseResultColumns();
    ParseOrderLimit(&del->order_by, &del->limit, &del->offset);
    return del;
  }

  // ---- SELECT -------------------------------------------------------------

  SelectPtr ParseSelect(std::unique_ptr<With> with) {
    auto sel = std::make_unique<Select>();
    sel->with = std::move(with);
    if (!sel->with && PeekWord("WITH")) sel->with = ParseWith();
    sel->cores.push_back(ParseCore());
    while (ok()) {
      std::string op;
      if (Word("UNION")) {
        op = Word("ALL") ? "UNION ALL" : "UNION";
      } else if (Word("INTERSECT")) {
        op = "INTERSECT";
      } else if (Word("EXCEPT")) {
        op = "EXCEPT";
      } else {
        break;
      }
      sel->compounds.push_back(op);
      sel->cores.push_back(ParseCore());
    }
    ParseOrderLimit(&sel->order_by, &sel->limit, &sel->offset);
    return ok() ? std::move(sel) : nullptr;
  }

  void ParseOrderLimit(std::vector<OrderTerm>* order, ExprPtr* limit, ExprPtr* offset) {
    if (PeekWord("ORDER") && PeekWord("BY", 1)) {
      pos_ += 2;
      do order->push_back(ParseOrderTerm());
      while (ok() && Op(","));
    }
    if (Word("LIMIT")) {
      *limit = ParseExpr();
      if (Word("OFFSET")) {
        *offset = ParseExpr();
      } else if (Op(",")) {  // LIMIT offset, count
        *offset = std::move(*limit);
        *limit = ParseExpr();
      }
    }
  }

  OrderTerm ParseOrderTerm() {
    OrderTerm term;
    term.expr = ParseExpr();
    if (Word("DESC")) {
      term.desc = true;
    } else {
      Word("ASC");
    }
    if (Word("NULLS")) {
      if (Word("FIRST")) {
        term.nulls = 1;
      } else {
        ExpectWord("LAST");
        term.nulls = 2;
      }
    }
    return term;
  }

  SelectCore ParseCore() {
    SelectCore core;
    if (Word("VALUES")) {
      core.is_values = true;
      do {
        ExpectOp("(");
        std::vector<ExprPtr> row;
        do row.push_back(ParseExpr());
        while (ok() && Op(","));
        ExpectOp(")");
        core.values.push_back(std::move(row));
      } while (ok() && Op(","));
      return core;
    }
    ExpectWord("SELECT");
    if (Word("DISTINCT")) {
      core.distinct = true;
    } else {
      Word("ALL");
    }
    core.columns = ParseResultColumns();
    if (Word("FROM")) core.from = ParseJoinSource();
    if (Word("WHERE")) core.where = ParseExpr();
    if (PeekWord("GROUP") && PeekWord("BY", 1)) {
      pos_ += 2;
      do core.group_by.push_back(ParseExpr());
      while (ok() && Op(","));
    }
    if (Word("HAVING")) core.having = ParseExpr();
    if (Word("WINDOW")) {
      do {
        std::string name = Name();
        ExpectWord("AS");
        core.windows.emplace_back(name, ParseWindowSpec());
      } while (ok() && Op(","));
    }
    return core;
  }

  std::vector<ResultColumn> ParseResultColumns() {
    std::vector<ResultColumn> cols;
    do {
      ResultColumn col;
      if (Op("*")) {
        cols.push_back(std::move(col));
        continue;
      }
      if (PeekName() && PeekOp(".", 1) && PeekOp("*", 2)) {
        col.star_table = Name();
        pos_ += 2;
        cols.push_back(std::move(col));
        continue;
      }
      col.expr = ParseExpr();
      col.alias = Alias();
      cols.push_back(std::move(col));
    } while (ok() && Op(","));
    return cols;
  }

  std::unique_ptr<JoinSource> ParseJoinSource() {
    auto src = std::make_unique<JoinSource>();
    src->items.push_back(ParseTableRef(""));
    while (ok()) {
      std::string join;
      bool natural = false;
      if (Op(",")) {
        join = ",";
      } else {
        size_t start = pos_;
        natural = Word("NATURAL");
        std::string kind;
        if (Word("LEFT")) {
          kind = "LEFT ";
        } else if (Word("RIGHT")) {
          kind = "RIGHT ";
        } else if (Word("FULL")) {
          kind = "FULL ";
        } else if (Word("INNER")) {
          kind = "INNER ";
        } else if (Word("CROSS")) {
          kind = "CROSS ";
        }
        if (!kind.empty() && kind != "INNER " && kind != "CROSS ") Word("OUTER");
        if (!Word("JOIN")) {
          pos_ = start;
          break;
        }
        join = kind + "JOIN";
      }
      TableRef ref = ParseTableRef(join);
      ref.natural = natural;
      if (PeekWord("ON") && !PeekWord("CONFLICT", 1)) {
        ++pos_;
        ref.on = ParseExpr();
      } else if (Word("USING")) {
        ExpectOp("(");
        do ref.using_columns.push_back(Name());
        while (ok() && Op(","));
        ExpectOp(")");
      }
      src->items.push_back(std::move(ref));
    }
    return src;
  }

  TableRef ParseTableRef(const std::string& join) {
    TableRef ref;
    ref.join = join;
    if (Op("(")) {
      if (PeekWord("SELECT") || PeekWord("VALUES") || PeekWord("WITH")) {
        ref.subquery = ParseSelect(nullptr);
      } else {
        ref.nested = ParseJoinSource();
      }
      ExpectOp(")");
      ref.alias = Alias();
      return ref;
    }
    ref.name = Name();
    if (Op(".")) {
      ref.schema = ref.name;
      ref.name = Name();
    }
    if (Op("(")) {
      ref.is_function = true;
      if (!PeekOp(")")) {
        do ref.function_args.push_back(ParseExpr());
        while (ok() && Op(","));
      }
      ExpectOp(")");
    }
    ref.alias = Alias();
    SkipIndexed();
    return ref;
  }

  WindowSpec ParseWindowSpec() {
    WindowSpec spec;
    ExpectOp("(");
    if (PeekName() && !PeekWord("PARTITION") && !PeekWord("ORDER") && !PeekWord("ROWS") &&
        !PeekWord("RANGE") && !PeekWord("GROUPS")) {
      spec.base = Name();
    }
    if (PeekWord("PARTITION") && PeekWord("BY", 1)) {
      pos_ += 2;
      do spec.partition.push_back(ParseExpr());
      while (ok() && Op(","));
    }
    if (PeekWord("ORDER") && PeekWord("BY", 1)) {
      pos_ += 2;
      do spec.order.push_back(ParseOrderTerm());
      while (ok() && Op(","));
    }
    static const char* const kFrameWords[] = {
        "ROWS",    "RANGE", "GROUPS",  "BETWEEN", "AND",    "UNBOUNDED", "PRECEDING", "FOLLOWING",
        "CURRENT", "ROW",   "EXCLUDE", "NO",      "OTHERS", "TIES",      "GROUP"};
    while (ok() && !AtEnd() && !PeekOp(")")) {
      bool word = false;
      for (const char* w : kFrameWords) word = word || PeekWord(w);
      WindowSpec::FramePiece piece;
      if (word) {
        piece.word = Upper(tokens_[pos_++].text);
      } else {
        piece.expr = ParseBits();
      }
      spec.frame.push_back(std::move(piece));
    }
    ExpectOp(")");
    return spec;
  }

  // ---- expressions, by SQLite's precedence (lowest first) ------------------

  ExprPtr Make(ExprKind kind, size_t at) { return std::make_unique<Expr>(kind, at); }
  ExprPtr Binary(std::string op, ExprPtr l, ExprPtr r) {
    if (!l || !r) return nullptr;
    auto e = Make(ExprKind::kBinary, l->offset);
    e->text = std::move(op);
    e->args.push_back(std::move(l));
    e->args.push_back(std::move(r));
    return e;
  }

  ExprPtr ParseExpr() {
    // SQLite's SQLITE_MAX_EXPR_DEPTH, with its message. (The shadow's parse
    // refuses deeper trees first, and its parser's stack any nesting near
    // this: operator chains are loops here, not recursion.)
    if (++depth_ > kMaxExprDepth) {
      if (ok()) {
        error_offset_ = Offset();
        error_ = "Expression tree is too large (maximum depth 1000)";
      }
      return nullptr;
    }
    ExprPtr e = ParseOr();
    --depth_;
    return ok() ? std::move(e) : nullptr;
  }

  ExprPtr ParseOr() {
    ExprPtr l = ParseAnd();
    while (ok() && Word("OR")) l = Binary("OR", std::move(l), ParseAnd());
    return l;
  }
  ExprPtr ParseAnd() {
    ExprPtr l = ParseNot();
    while (ok() && Word("AND")) l = Binary("AND", std::move(l), ParseNot());
    return l;
  }
  ExprPtr ParseNot() {
    if (PeekWord("NOT")) {
      size_t at = Offset();
      ++pos_;
      auto e = Make(ExprKind::kUnary, at);
      e->text = "NOT";
      ExprPtr operand = ParseNot();
      if (!operand) return nullptr;
      e->args.push_back(std::move(operand));
      return e;
    }
    return ParseEquality();
  }

  bool PeekLikeWord(size_t k) const {
    return PeekWord("LIKE", k) || PeekWord("GLOB", k) || PeekWord("MATCH", k) ||
           PeekWord("REGEXP", k);
  }

  ExprPtr ParseEquality() {
    ExprPtr l = ParseCompare();
    while (ok() && l) {
      size_t at = l->offset;
      if (PeekOp("=") || PeekOp("==") || PeekOp("!=") || PeekOp("<>")) {
        std::string op(tokens_[pos_++].text);
        if (op == "==") op = "=";
        if (op == "!=") op = "<>";
        l = Binary(op, std::move(l), ParseCompare());
        continue;
      }
      if (Word("IS")) {
        bool negated = Word("NOT");
        if (Word("DISTINCT")) {
          ExpectWord("FROM");
          negated = !negated;
        }
        ExprPtr r = ParseCompare();
        if (!r) return nullptr;
        auto e = Make(r->kind == ExprKind::kNull ? ExprKind::kIsNull : ExprKind::kIs, at);
        e->negated = negated;
        e->args.push_back(std::move(l));
        if (e->kind == ExprKind::kIs) e->args.push_back(std::move(r));
        l = std::move(e);
        continue;
      }
      if (Word("ISNULL") || Word("NOTNULL") ||
          (PeekWord("NOT") && PeekWord("NULL", 1) && (pos_ += 2))) {
        auto e = Make(ExprKind::kIsNull, at);
        e->negated = !IsWord(tokens_[pos_ - 1], "ISNULL");
        e->args.push_back(std::move(l));
        l = std::move(e);
        continue;
      }
      bool negated = false;
      if (PeekWord("NOT") && (PeekWord("IN", 1) || PeekWord("BETWEEN", 1) || PeekLikeWord(1))) {
        ++pos_;
        negated = true;
      }
      if (Word("IN")) {
        l = ParseIn(std::move(l), negated);
        continue;
      }
      if (Word("BETWEEN")) {
        auto e = Make(ExprKind::kBetween, at);
        e->negated = negated;
        e->args.push_back(std::move(l));
        e->args.push_back(ParseCompare());
        ExpectWord("AND");
        e->args.push_back(ParseCompare());
        if (!ok()) return nullptr;
        l = std::move(e);
        continue;
      }
      if (PeekLikeWord(0)) {
        auto e = Make(ExprKind::kLike, at);
        e->text = Upper(tokens_[pos_++].text);
        e->negated = negated;
        e->args.push_back(std::move(l));
        e->args.push_back(ParseCompare());
        if (Word("ESCAPE")) e->args.push_back(ParseCompare());
        if (!ok()) return nullptr;
        l = std::move(e);
        continue;
      }
      break;
    }
    return l;
  }

  ExprPtr ParseIn(ExprPtr l, bool negated) {
    auto e = Make(ExprKind::kIn, l->offset);
    e->negated = negated;
    e->args.push_back(std::move(l));
    if (Op("(")) {
      if (PeekWord("SELECT") || PeekWord("VALUES") || PeekWord("WITH")) {
        e->select = ParseSelect(nullptr);
      } else if (!PeekOp(")")) {
        do e->args.push_back(ParseExpr());
        while (ok() && Op(","));
      }
      ExpectOp(")");
    } else {
      std::string name = Name();
      if (Op(".")) name = Name();  // schema.table: the search path has it
      if (PeekOp("(")) {
        Fail("cannot translate IN over a table-valued function at");
        return nullptr;
      }
      e->in_table = name;
    }
    return ok() ? std::move(e) : nullptr;
  }

  ExprPtr ParseCompare() {
    ExprPtr l = ParseBits();
    while (ok() && (PeekOp("<") || PeekOp("<=") || PeekOp(">") || PeekOp(">="))) {
      std::string op(tokens_[pos_++].text);
      l = Binary(op, std::move(l), ParseBits());
    }
    return l;
  }
  ExprPtr ParseBits() {
    ExprPtr l = ParseAdd();
    while (ok() && (PeekOp("&") || PeekOp("|") || PeekOp("<<") || PeekOp(">>"))) {
      std::string op(tokens_[pos_++].text);
      l = Binary(op, std::move(l), ParseAdd());
    }
    return l;
  }
  ExprPtr ParseAdd() {
    ExprPtr l = ParseMul();
    while (ok() && (PeekOp("+") || PeekOp("-"))) {
      std::string op(tokens_[pos_++].text);
      l = Binary(op, std::move(l), ParseMul());
    }
    return l;
  }
  ExprPtr ParseMul() {
    ExprPtr l = ParseConcat();
    while (ok() && (PeekOp("*") || PeekOp("/") || PeekOp("%"))) {
      std::string op(tokens_[pos_++].text);
      l = Binary(op, std::move(l), ParseConcat());
    }
    return l;
  }
  ExprPtr ParseConcat() {
    ExprPtr l = ParseCollate();
    while (ok() && (PeekOp("||") || PeekOp("->") || PeekOp("->>"))) {
      std::string op(tokens_[pos_++].text);
      l = Binary(op, std::move(l), ParseCollate());
    }
    return l;
  }
  ExprPtr ParseCollate() {
    ExprPtr e = ParseUnary();
    while (ok() && e && Word("COLLATE")) {
      auto c = Make(ExprKind::kCollate, e->offset);
      c->text = Upper(Name());
      c->args.push_back(std::move(e));
      e = std::move(c);
    }
    return e;
  }
  ExprPtr ParseUnary() {
    if (PeekOp("-") || PeekOp("+") || PeekOp("~")) {
      auto e = Make(ExprKind::kUnary, Offset());
      e->text = std::string(tokens_[pos_++].text);
      ExprPtr operand = ParseUnary();
      if (!operand) return nullptr;
      e->args.push_back(std::move(operand));
      return e;
    }
    return ParsePrimary();
  }

  int ParameterIndex(const Token& t) {
    int index = 0;
    if (t.text == "?") {
      index = ++positional_;
    } else if (t.text[0] == '?') {
      index = std::atoi(std::string(t.text.substr(1)).c_str());
    } else {
      index = parameter_index_ ? parameter_index_(t.text) : 0;
    }
    positional_ = std::max(positional_, index);
    return index;
  }

  ExprPtr ParsePrimary() {
    const Token* t = Peek();
    if (t == nullptr) {
      Fail("expected an expression at");
      return nullptr;
    }
    size_t at = t->offset;
    switch (t->type) {
      case TokenType::kNumber: {
        ++pos_;
        std::string_view s = t->text;
        bool hex = s.size() > 1 && s[0] == '0' && (s[1] == 'x' || s[1] == 'X');
        bool real = !hex && s.find_first_of(".eE") != std::string_view::npos;
        auto e = Make(real ? ExprKind::kFloat : ExprKind::kInteger, at);
        e->text = std::string(s);
        return e;
      }
      case TokenType::kString: {
        ++pos_;
        auto e = Make(ExprKind::kString, at);
        e->text = std::string(t->text);
        return e;
      }
      case TokenType::kBlob: {
        ++pos_;
        auto e = Make(ExprKind::kBlob, at);
        e->text = std::string(t->text.substr(2, t->text.size() - 3));
        return e;
      }
      case TokenType::kVariable: {
        ++pos_;
        auto e = Make(ExprKind::kParam, at);
        e->text = std::string(t->text);
        e->param = ParameterIndex(*t);
        if (e->param <= 0) {
          --pos_;
          Fail("cannot number the parameter");
          return nullptr;
        }
        return e;
      }
      case TokenType::kOperator:
        if (t->text == "(") return ParseParenthesized();
        Fail("unexpected");
        return nullptr;
      case TokenType::kWord:
      case TokenType::kQuotedName:
        return ParseWordPrimary();
      default:
        Fail("unexpected");
        return nullptr;
    }
  }

  ExprPtr ParseParenthesized() {
    size_t at = Offset();
    ExpectOp("(");
    if (PeekWord("SELECT") || PeekWord("VALUES") || PeekWord("WITH")) {
      auto e = Make(ExprKind::kSubquery, at);
      e->select = ParseSelect(nullptr);
      ExpectOp(")");
      return ok() ? std::move(e) : nullptr;
    }
    std::vector<ExprPtr> list;
    do list.push_back(ParseExpr());
    while (ok() && Op(","));
    ExpectOp(")");
    if (!ok()) return nullptr;
    if (list.size() == 1) return std::move(list[0]);
    auto e = Make(ExprKind::kRow, at);
    e->args = std::move(list);
    return e;
  }

  ExprPtr ParseWordPrimary() {
    const Token& t = tokens_[pos_];
    size_t at = t.offset;
    bool bare = t.type == TokenType::kWord;
    bool call = PeekOp("(", 1);
    if (bare && !call) {
      if (Word("NULL")) return Make(ExprKind::kNull, at);
      if (PeekWord("TRUE") || PeekWord("FALSE")) {
        auto e = Make(ExprKind::kBool, at);
        e->text = Lower(tokens_[pos_++].text);
        return e;
      }
      if (PeekWord("CURRENT_TIMESTAMP") || PeekWord("CURRENT_DATE") || PeekWord("CURRENT_TIME")) {
        auto e = Make(ExprKind::kCurrentTime, at);
        e->text = Upper(tokens_[pos_++].text);
        return e;
      }
      if (PeekWord("CASE")) return ParseCase();
    }
    if (bare && call) {
      if (PeekWord("CAST")) return ParseCast();
      if (PeekWord("EXISTS")) {
        pos_ += 2;
        auto e = Make(ExprKind::kExists, at);
        e->select = ParseSelect(nullptr);
        ExpectOp(")");
        return ok() ? std::move(e) : nullptr;
      }
      if (PeekWord("RAISE")) return ParseRaise();
    }
    if (call) return ParseFunction();
    // A column: [[schema.]table.]column.
    auto e = Make(ExprKind::kColumn, at);
    e->double_quoted = !t.text.empty() && t.text.front() == '"';
    e->column = Name();
    if (Op(".")) {
      e->double_quoted = false;
      e->table = e->column;
      e->column = Name();
      if (Op(".")) {
        e->schema = e->table;
        e->table = e->column;
        e->column = Name();
      }
    }
    return ok() ? std::move(e) : nullptr;
  }

  ExprPtr ParseCase() {
    auto e = Make(ExprKind::kCase, Offset());
    ExpectWord("CASE");
    if (!PeekWord("WHEN")) e->operand = ParseExpr();
    while (ok() && Word("WHEN")) {
      ExprPtr when = ParseExpr();
      ExpectWord("THEN");
      ExprPtr then = ParseExpr();
      e->whens.emplace_back(std::move(when), std::move(then));
    }
    if (Word("ELSE")) e->else_expr = ParseExpr();
    ExpectWord("END");
    if (ok() && e->whens.empty()) Fail("CASE without WHEN at");
    return ok() ? std::move(e) : nullptr;
  }

  ExprPtr ParseCast() {
    auto e = Make(ExprKind::kCast, Offset());
    pos_ += 2;  // CAST (
    e->args.push_back(ParseExpr());
    ExpectWord("AS");
    std::string type;
    while (ok() && !AtEnd() && !PeekOp(")")) {
      if (Op("(")) {  // VARCHAR(10), DECIMAL(10, 2): sizes SQLite ignores
        while (!AtEnd() && !PeekOp(")")) ++pos_;
        ExpectOp(")");
        continue;
      }
      if (!type.empty()) type += " ";
      type += Name();
    }
    ExpectOp(")");
    e->type = type;
    return ok() ? std::move(e) : nullptr;
  }

  ExprPtr ParseRaise() {
    auto e = Make(ExprKind::kRaise, Offset());
    pos_ += 2;  // RAISE (
    e->text = Upper(Name());
    if (Op(",")) e->args.push_back(ParseExpr());
    ExpectOp(")");
    return ok() ? std::move(e) : nullptr;
  }

  ExprPtr ParseFunction() {
    auto e = Make(ExprKind::kFunction, Offset());
    e->text = Lower(Name());
    ExpectOp("(");
    if (Op("*")) {
      e->star = true;
    } else if (!PeekOp(")")) {
      e->distinct = Word("DISTINCT");
      if (!e->distinct) Word("ALL");
      do e->args.push_back(ParseExpr());
      while (ok() && Op(","));
      if (PeekWord("ORDER") && PeekWord("BY", 1)) {
        Fail("cannot translate ORDER BY inside a function call at");
        return nullptr;
      }
    }
    ExpectOp(")");
    if (Word("FILTER")) {
      ExpectOp("(");
      ExpectWord("WHERE");
      e->filter = ParseExpr();
      ExpectOp(")");
    }
    if (Word("OVER")) {
      if (PeekOp("(")) {
        e->over = std::make_unique<WindowSpec>(ParseWindowSpec());
      } else {
        e->over_name = Name();
      }
    }
    return ok() ? std::move(e) : nullptr;
  }

  std::string_view sql_;
  std::vector<Token> tokens_;
  const std::function<int(std::string_view)>& parameter_index_;
  size_t pos_ = 0;
  int positional_ = 0;
  int depth_ = 0;
  std::string error_;
  size_t error_offset_ = 0;
};

}  // namespace

ParseResult Parse(std::string_view sql,
                  const std::function<int(std::string_view)>& parameter_index) {
  return Parser(sql, parameter_index).Run();
}

}  // namespace litelift::compat::sql
