"""Read a student's answer -- a number, a vector, a matrix or a sum -- from the text they typed.

This is the one number reader of the project: :func:`read_answer` reads answers typed or pasted
by students, :func:`read_number` reads one number, and :func:`read_value` reads values recorded
in data files (YAML/JSON).  Everything that cannot be read raises :class:`ReadError`, a
``ValueError`` whose message is one line that says what is wrong and where.

Accepted notations
------------------
* numbers: ``39``, ``-3``, ``+5``, ``28.08``, ``1.`` , ``.5``, ``1e-3``, fractions of whole
  numbers ``2/3``, LaTeX ``\\frac{2}{3}`` (also ``\\tfrac``, ``\\dfrac``, ``-\\frac{1}{3}``),
  JSON/Python strings holding one of these (``"1/3"``);
* vectors: entries separated by commas or spaces, optionally in brackets or parentheses:
  ``2,-1,3``, ``2 -1 3``, ``(2,-1,3)``, ``[2, -1, 3]``, ``[ 0.8 -0.8  1.6]`` (numpy),
  ``[1. 2. 3.]``, ``[2,\\ -1,\\ 3]`` (LaTeX), trailing commas ``[1, 2, 3,]``;
* matrices: rows separated by ``;`` or line breaks (``-1,3,-2; 3,-3,1; 0,3,1``, MATLAB
  ``[-1 3 -2; 3 -3 1]``), or nested lists/tuples (JSON ``[[1, 2], [3, 4]]``, numpy's
  ``[[1 2]\\n [3 4]]``, ``((1, 2), (3, 4))``), or a LaTeX ``bmatrix``/``pmatrix``/``Bmatrix``/
  ``matrix`` environment with ``&`` and ``\\\\``;
* wrappers: ``array(...)``, ``np.array(...)``, ``tensor(...)`` (with ``dtype=...``,
  ``requires_grad=...`` and the like), ``Matrix(...)``, ``np.float64(...)``; LaTeX math
  delimiters ``$...$``, ``$$...$$``, ``\\(...\\)``, ``\\[...\\]``, ``\\left(``/``\\right)``,
  LaTeX spacing ``\\,`` ``\\ `` ``~`` ``\\quad``;
* sums, for a whole answer only: ``27+12``, ``27 + 12``, ``(27+12)``, ``27+12=39`` (one ``=``
  at most); inside a vector or matrix ``+5`` with a space before the ``+`` and none after is a
  signed entry (``1 +5 2``, a row starting ``+3``), any other ``+`` is a refused sum.

Unicode dashes and minus signs read as ``-``, the slashes U+2044 and U+2215 as ``/``, Unicode
spaces and tabs as spaces, Unicode line breaks as line breaks; a leading byte-order mark is
ignored (anywhere else it is an unexpected character).  A minus sign must touch its number
(``2 - 1`` is rejected: it could be a difference) and entries must be separated (``2-1`` is
rejected for the same reason).  Blanks matter only between two entries: there a line break
ends a row (also inside brackets, as in MATLAB: a numpy 1-D array that numpy wrapped over
several lines is therefore not read as one vector) and spaces separate entries; a line break
after ``,`` or ``;`` is only a blank.  LaTeX spacing never separates entries.

Shapes: a single number is 0-D.  A row of entries is 1-D; rows separated by ``;``/line
breaks/``\\\\`` make a 2-D matrix, and so does a list of lists.  Brackets ``[x]`` around one
entry or one vector add a dimension (``[5]`` is a vector of one entry, ``[[1, 2]]`` a 1x2
matrix), parentheses around a single item do not (``(5)`` is the number 5; ``(5,)`` is a
vector).  A LaTeX matrix environment is always 2-D.  A column written as a matrix -- ``[[2],
[-1], [3]]``, ``2; -1; 3`` or a one-column ``bmatrix`` -- reads as a (3, 1) matrix: the caller
decides whether a one-column or one-row matrix is acceptable where a vector is expected.

Tolerances: an integer or a fraction may be off by ``1e-9 * max(1, |value|)``; a decimal with
at least two places by half a unit in its last written place if that is larger, so ``0.33``
and ``0.333`` match 1/3 and ``0.3`` does not, and so do ``3.3e-01`` and numpy's
``3.33333333e-01`` (the places of the mantissa, shifted by the exponent); a sum without a
stated total by the sum of its terms' tolerances.

This is one module because it is one grammar: the token filter, the LALR grammar, the tree
walker that decides shapes and the conversion to values with their tolerances are read
together, and none is used on its own.

Limits: at most 20,000 characters, 8 nested brackets, 10,000 entries and 400 characters per
number; nothing non-finite (``inf``, ``nan``, ``1e999``, a fraction or sum that overflows) is
ever returned.
"""

from __future__ import annotations

import functools
import math
import numbers
import unicodedata
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from typing import Final

import numpy as np
from lark import Lark, Token, Tree
from lark.exceptions import UnexpectedCharacters, UnexpectedToken
from lark.lark import PostLex
from lark.lexer import BasicLexer, LexerThread

from hw5ref._validate import FloatArray
from hw5ref.parts import entry_label

__all__ = ["MAX_DEPTH", "MAX_DIGITS", "MAX_ENTRIES", "MAX_LENGTH", "ReadError", "Reading",
           "read_answer", "read_number", "read_value"]

MAX_LENGTH: Final = 20_000  # characters of answer text
MAX_DEPTH: Final = 8  # nested brackets, parentheses, braces and environments
MAX_ENTRIES: Final = 10_000  # numbers in one answer (entries, or terms of a sum)
MAX_DIGITS: Final = 400  # characters of one number; keeps int() and big-int division cheap

_MATRIX_ENVIRONMENTS: Final = ("bmatrix", "pmatrix", "Bmatrix", "matrix")
_CALL_PREFIXES: Final = ("", "np.", "numpy.", "torch.", "sympy.", "sp.")
_ARRAY_CALLS: Final = ("array", "asarray", "tensor", "matrix", "Matrix")
_SCALAR_CALLS: Final = ("float64", "float32", "float16", "int64", "int32", "int16", "int8")
_KEYWORDS: Final = ("dtype", "requires_grad", "grad_fn", "device")

# ----------------------------------------------------------------------------- grammar
# The lexer sees the text after _normalize; blanks (spaces, line breaks, LaTeX spacing) are
# lexed but kept out of the grammar: _tokens turns a blank run between two entries into an
# SP or NL separator token and drops every other blank.
_GRAMMAR: Final = r"""
top: body
   | DOLLAR body DOLLAR
   | DDOLLAR body DDOLLAR
   | MOPEN body MCLOSE
   | DOPEN body DCLOSE
body: seq (EQUAL scalar)?
seq: item (_sep item)* _sep?
_sep: COMMA | AMP | SP | SEMI | DBS | NL
?item: scalar | sum | group
sum: scalar (PLUS scalar)+
?scalar: number | signed | quoted
signed: (MINUS | PLUS) number
quoted: QOPEN (number | signed) QCLOSE
?number: NUMBER | NONFINITE | ratio | frac
ratio: NUMBER SLASH NUMBER
frac: FRAC LBRACE MINUS? NUMBER RBRACE LBRACE MINUS? NUMBER RBRACE
group: LSQB seq? RSQB
     | LPAR seq RPAR
     | BEGIN seq? END
     | NAME LPAR seq (KWARG (COMMA KWARG)* COMMA?)? RPAR

NUMBER: /(?:[0-9]+(?:\.[0-9]*)?|\.[0-9]+)(?:[eE][+-]?[0-9]+)?/
NONFINITE.3: /(?:(?:np|numpy|math|torch)\.)?(?:infinity|inf|nan)(?![A-Za-z0-9_.])/i
NAME: /[A-Za-z_][A-Za-z0-9_]*(?:\.[A-Za-z_][A-Za-z0-9_]*)*/
KWARG.2: /[A-Za-z_][A-Za-z0-9_]* *= *(?:[A-Za-z_][A-Za-z0-9_.]*|'[^'\n]*'|<[^<>\n]*>)/
MINUS: "-"
PLUS: "+"
SLASH: "/"
EQUAL: "="
COMMA: ","
SEMI: ";"
AMP: "&"
DBS: "\\\\"
LSQB.2: "[" | /\\left *\[/
RSQB.2: "]" | /\\right *\]/
LPAR.2: "(" | /\\left *\(/
RPAR.2: ")" | /\\right *\)/
LBRACE: "{"
RBRACE: "}"
FRAC.2: /\\[dt]?frac(?![A-Za-z])/
BEGIN.2: /\\begin *\{ *[A-Za-z]+\*? *\}/
END.2: /\\end *\{ *[A-Za-z]+\*? *\}/
DOLLAR: "$"
DDOLLAR: "$$"
MOPEN: "\\("
MCLOSE: "\\)"
DOPEN: "\\["
DCLOSE: "\\]"
BLANK: /[ \n]+/
TEXSPACE.2: /\\[,;:! ]|~|\\q?quad(?![A-Za-z])|\\enspace(?![A-Za-z])/
QUOTE: /["']/
COMMAND: /\\[A-Za-z]+/
%declare SP NL QOPEN QCLOSE
"""

_BLANKS: Final = frozenset({"BLANK", "TEXSPACE"})
_ENTRY_START: Final = frozenset(
    {"NUMBER", "NONFINITE", "MINUS", "LSQB", "LPAR", "FRAC", "QOPEN", "BEGIN", "NAME"})
_ENTRY_END: Final = frozenset({"NUMBER", "NONFINITE", "RSQB", "RPAR", "RBRACE", "QCLOSE", "END"})
_ROW_SEPS: Final = frozenset({"SEMI", "NL", "DBS"})
_OPENERS: Final = {"LSQB": "RSQB", "LPAR": "RPAR", "LBRACE": "RBRACE", "BEGIN": "END"}
_CLOSERS: Final = {v: k for k, v in _OPENERS.items()}
_NAMES: Final = {
    "NUMBER": "a number", "NONFINITE": "a number", "QOPEN": "a quote", "QCLOSE": "a quote",
    "MINUS": "'-'", "PLUS": "'+'", "SLASH": "'/'", "EQUAL": "'='", "COMMA": "','",
    "SEMI": "';'", "AMP": "'&'", "DBS": "'\\\\'", "SP": "a space", "NL": "a line break",
    "LSQB": "'['", "RSQB": "']'",
    "LPAR": "'('", "RPAR": "')'", "LBRACE": "'{'", "RBRACE": "'}'", "FRAC": "'\\frac'",
    "BEGIN": "'\\begin{...}'", "END": "'\\end{...}'", "DOLLAR": "'$'", "DDOLLAR": "'$$'",
    "MOPEN": "'\\('", "MCLOSE": "'\\)'", "DOPEN": "'\\['", "DCLOSE": "'\\]'",
    "NAME": "a name", "KWARG": "a keyword argument", "$END": "the end of the answer",
}

# Characters read as others; every replacement is one character, so offsets do not move.
_DASHES: Final = "\u2010\u2011\u2012\u2013\u2014\u2015\u2212\ufe58\ufe63\uff0d"
_LINE_BREAKS: Final = "\n\r\x0b\x0c\x1c\x1d\x1e\x85\u2028\u2029"  # as str.splitlines
_SPACES: Final = ("\t\x1f\xa0\u1680\u2000\u2001\u2002\u2003\u2004\u2005\u2006\u2007\u2008"
                  "\u2009\u200a\u202f\u205f\u3000")  # the rest of str.isspace
_TRANSLATION: Final = str.maketrans(
    {**dict.fromkeys(_DASHES, "-"), **dict.fromkeys(_LINE_BREAKS, "\n"),
     **dict.fromkeys(_SPACES, " "), "\u2044": "/", "\u2215": "/"})


class _Passthrough(PostLex):
    """Keeps in the lexer the terminals no rule uses -- blanks, quotes, unknown LaTeX commands
    -- which _tokens turns into separators or QOPEN/QCLOSE, drops, or reports."""

    always_accept = ("BLANK", "TEXSPACE", "QUOTE", "COMMAND")

    def process(self, stream: Iterator[Token]) -> Iterator[Token]:
        return stream


@functools.cache
def _machinery() -> tuple[Lark, BasicLexer]:
    """The LALR parser, and a lexer for it built once (Lark.lex would build one per call)."""
    # Positions come from tokens (every rule starts with one), not propagate_positions, which
    # doubled the parse time of long answers.
    parser = Lark(_GRAMMAR, start="top", parser="lalr", lexer="basic", postlex=_Passthrough(),
                  maybe_placeholders=False)
    return parser, BasicLexer(parser.lexer_conf)


def _lex(clean: str) -> Iterator[Token]:
    thread = LexerThread.from_text(_machinery()[1], clean)
    tokens: Iterator[Token] = thread.lex(None)  # type: ignore[no-untyped-call]
    return tokens


# ----------------------------------------------------------------------------- public types
class ReadError(ValueError):
    """The text cannot be read as an answer.

    ``str(err)`` is one line that says what is wrong and where, e.g. ``cannot read '3,,4' at
    column 3: expected a number`` (columns counted from 1 in the text as typed; ``line L,
    column C`` when the text has several lines).  Attributes: ``text`` (the text as typed),
    ``position`` (0-based offset in ``text``, or ``None``) and ``reason`` (the part after the
    colon).
    """

    def __init__(self, text: str, position: int | None, reason: str) -> None:
        self.text = text
        self.position = position
        self.reason = reason
        super().__init__(_message(text, position, reason))

    def __reduce__(self) -> tuple[type[ReadError], tuple[str, int | None, str]]:
        return (ReadError, (self.text, self.position, self.reason))


@dataclass(frozen=True, eq=False)
class Reading:
    """What an answer says.

    ``values`` (float64, read-only) is 0-D for a number, 1-D for a vector, 2-D for a matrix;
    ``tolerances`` (same shape) says how far each entry may be from the exact answer.  For a
    sum ``27+12`` or ``27+12=39``, ``terms``/``term_tolerances`` hold the summands and
    ``values`` the stated total (``stated_total=True``) or else the sum.  Two readings are
    equal when all five fields are equal (arrays compared exactly, shapes included).
    """

    values: FloatArray
    tolerances: FloatArray
    terms: tuple[float, ...] = ()
    term_tolerances: tuple[float, ...] = ()
    stated_total: bool = False

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, Reading):
            return NotImplemented
        return (self.values.shape == other.values.shape
                and bool(np.array_equal(self.values, other.values))
                and bool(np.array_equal(self.tolerances, other.tolerances))
                and (self.terms, self.term_tolerances, self.stated_total)
                == (other.terms, other.term_tolerances, other.stated_total))

    def __hash__(self) -> int:  # tolist, not tobytes: -0.0 == 0.0 must hash alike
        return hash((self.values.shape, tuple(self.values.ravel().tolist()),
                     tuple(self.tolerances.ravel().tolist()), self.terms, self.term_tolerances,
                     self.stated_total))


# ----------------------------------------------------------------------------- messages
def _where(text: str, position: int) -> str:
    """``column C`` (1-based) or, in a text of several lines, ``line L, column C``."""
    lines = (text[:position] + "x").splitlines()
    if len(text.splitlines()) > 1:
        return f"line {len(lines)}, column {len(lines[-1])}"
    return f"column {len(lines[-1])}"


def _message(text: str, position: int | None, reason: str) -> str:
    if len(text) <= 60:
        shown = repr(text)
    elif position is None:
        shown = "the answer"
    else:
        lo = max(0, position - 20)
        shown = f"the answer (near {text[lo:position + 20]!r})"
    where = "" if position is None else f" at {_where(text, position)}"
    return f"cannot read {shown}{where}: {reason}"


def _shorten(literal: str) -> str:
    if len(literal) <= 24:
        return literal
    return f"{literal[:10]}...{literal[-6:]} ({len(literal)} characters)"


def _describe_char(char: str) -> str:
    name = unicodedata.name(char, "")
    if char.isprintable() and char.isascii():
        return repr(char)
    code = f"U+{ord(char):04X}"
    if char.isprintable():
        return f"{char!r} ({code} {name})"
    return f"{code} {name}".rstrip()


def _describe_token(tok: Token) -> str:
    if tok.type in ("NUMBER", "NONFINITE"):
        return f"the number {_shorten(str(tok))}"
    if tok.type in ("SP", "NL", "$END", "NAME", "KWARG"):
        return _NAMES[tok.type]
    return repr(_shorten(str(tok)))


# ----------------------------------------------------------------------------- tokens
def _normalize(text: str) -> str:
    clean = text.translate(_TRANSLATION)
    return " " + clean[1:] if clean.startswith("\ufeff") else clean


def _env_name(tok: Token) -> str:
    value = str(tok)
    return value[value.index("{") + 1:value.index("}")].strip()


def _call_known(name: str) -> bool:
    return any(name == prefix + base for prefix in _CALL_PREFIXES
               for base in _ARRAY_CALLS + _SCALAR_CALLS)


def _check_token(tok: Token, stack: list[Token], text: str) -> str | None:
    """What is wrong with ``tok`` beyond the grammar: unknown words, bracket matching, depth."""
    kind = tok.type
    if kind == "NAME" and not _call_known(str(tok)):
        return f"unknown word {_shorten(str(tok))!r}"
    if kind == "COMMAND":
        if str(tok) in ("\\left", "\\right"):
            return f"{tok} is only read before '(' or '['"
        return f"the LaTeX command {_shorten(str(tok))} is not read"
    if kind == "KWARG":
        key = str(tok).split("=")[0].strip()
        if key not in _KEYWORDS:
            return f"unknown keyword argument {key!r} (only {', '.join(_KEYWORDS)})"
    if kind == "BEGIN" and _env_name(tok) not in _MATRIX_ENVIRONMENTS:
        return f"{tok} is not read; use one of {', '.join(_MATRIX_ENVIRONMENTS)}"
    if kind in _OPENERS:
        stack.append(tok)
        if len(stack) > MAX_DEPTH:
            return f"too deeply nested: more than {MAX_DEPTH} brackets"
    elif kind in _CLOSERS:
        if not stack:
            return f"{_describe_token(tok)} has no matching opening bracket"
        opener = stack.pop()
        if opener.type != _CLOSERS[kind] or (
                kind == "END" and _env_name(opener) != _env_name(tok)):
            where = _where(text, opener.start_pos or 0)
            return f"{_describe_token(tok)} does not match the {_describe_token(opener)} at {where}"
    return None


def _tokens(text: str, clean: str) -> Iterator[Token]:
    """The significant tokens of ``clean`` (``text`` after _normalize), lexed lazily.

    A run of blanks becomes an SP (or, if it holds a line break, NL) separator when it stands
    between the end of one entry and the start of the next and holds a real space; all other
    blanks are dropped.  Quotes become QOPEN/QCLOSE.  Raises ReadError, when the stream gets
    there, for an unexpected character, a minus sign followed by a blank, an unknown name or
    LaTeX command, and unbalanced or too deeply nested brackets and quotes.
    """
    prev: Token | None = None
    run: list[Token] = []
    stack: list[Token] = []
    quote: Token | None = None
    lexed = _lex(clean)
    while True:
        try:
            tok = next(lexed)
        except StopIteration:
            break
        except UnexpectedCharacters as exc:
            position = exc.pos_in_stream or 0
            raise ReadError(text, position, "unexpected character "
                                            + _describe_char(text[position])) from None
        if tok.type in _BLANKS:
            if not run and prev is not None and prev.type == "MINUS":
                raise ReadError(text, prev.start_pos, "a minus sign must be followed directly "
                                "by a number (differences such as 2 - 1 are not read)")
            run.append(tok)
            continue
        if tok.type == "QUOTE":
            if quote is None:
                tok = quote = Token.new_borrow_pos("QOPEN", str(tok), tok)
            elif str(tok) == str(quote):
                tok, quote = Token.new_borrow_pos("QCLOSE", str(tok), tok), None
            else:
                raise ReadError(text, tok.start_pos, "unexpected quote in a string")
        if run and prev is not None and prev.type in _ENTRY_END:
            spaces = "".join(str(t) for t in run if t.type == "BLANK")
            # a '+' starting a new line signs the first entry of a row; else it makes a sum
            if spaces and (tok.type in _ENTRY_START or (tok.type == "PLUS" and "\n" in spaces)):
                yield Token.new_borrow_pos("NL" if "\n" in spaces else "SP", spaces, run[0])
        run = []
        problem = _check_token(tok, stack, text)
        if problem is not None:
            raise ReadError(text, tok.start_pos, problem)
        yield tok
        prev = tok
    if quote is not None:
        raise ReadError(text, quote.start_pos, "the string that starts here is never closed")
    if stack:
        raise ReadError(text, stack[-1].start_pos, f"{_describe_token(stack[-1])} is never closed")


def _grammar_reason(tokens: Sequence[Token], index: int, expected: set[str]) -> str:
    """A one-line reason for ``tokens[index]``, which the grammar does not accept."""
    tok = tokens[index]
    prev = tokens[index - 1] if index else None
    after_equal = any(t.type == "EQUAL" for t in tokens[:index])
    names = sorted({_NAMES.get(e, e) for e in expected if e != "$END"})
    if tok.type == "EQUAL" and after_equal:
        return "a sum may contain one '=' at most"
    if prev is not None and prev.type in _ENTRY_END and tok.type in _ENTRY_START:
        if tok.type == "MINUS":
            return "expected ',' or a space before '-' (differences such as 2-1 are not read)"
        return f"expected ',' or a space before {_describe_token(tok)}"
    if tok.type == "$END":
        what = "a number" if "NUMBER" in expected else " or ".join(names[:3])
        return f"the answer ends too early: expected {what}"
    if "NUMBER" in expected:
        return "expected a number"
    if tok.type == "EQUAL":
        return "'=' is only read after a single number or sum, as in 27+12=39"
    if after_equal:
        return "only one number may follow '='"
    if tok.type == "KWARG":
        return f"{_shorten(str(tok))!r} is only read inside array(...) or tensor(...)"
    if 0 < len(names) <= 3:
        return f"expected {' or '.join(names)}, found {_describe_token(tok)}"
    return f"unexpected {_describe_token(tok)}"


def _parse(text: str) -> Tree[Token]:
    """Parse ``text`` (as typed, at most MAX_LENGTH characters); raise ReadError.

    Tokens go to the LALR parser as they are lexed, so the first problem from the left is the
    one reported, whether the lexer, the bracket check or the grammar finds it.
    """
    parser = _machinery()[0].parse_interactive()
    tokens: list[Token] = []
    for tok in _tokens(text, _normalize(text)):
        tokens.append(tok)
        try:
            parser.feed_token(tok)
        except UnexpectedToken as exc:
            reason = _grammar_reason(tokens, len(tokens) - 1, exc.expected)
            raise ReadError(text, tok.start_pos, reason) from None
    if not tokens:
        raise ReadError(text, None, "the answer is empty")
    end = Token.new_borrow_pos("$END", "", tokens[-1])
    end.start_pos = tokens[-1].end_pos
    tokens.append(end)
    try:
        tree = parser.feed_token(end)
    except UnexpectedToken as exc:
        reason = _grammar_reason(tokens, len(tokens) - 1, exc.expected)
        raise ReadError(text, end.start_pos, reason) from None
    if not isinstance(tree, Tree):  # pragma: no cover - the parser returns the tree at $END
        raise ReadError(text, None, "internal error: the parser returned no tree")
    return tree


# ----------------------------------------------------------------------------- tree walk
@dataclass(frozen=True)
class _Lit:
    """One number as written, converted only once its place in the answer is known."""

    start: int
    end: int
    sign: int
    num: str  # NUMBER text (or the NONFINITE word)
    den: str | None = None  # denominator of a/b or \frac
    nonfinite: bool = False


@dataclass(frozen=True)
class _Val:
    shape: tuple[int, ...]
    lits: list[_Lit]
    start: int
    env: bool = False  # a LaTeX matrix environment (brackets around it add no dimension)


class _EntryProblem(Exception):
    """A number that reads but has no finite float value; ``problem`` follows its name."""

    def __init__(self, problem: str) -> None:
        super().__init__(problem)
        self.problem = problem


def _pos(node: Tree[Token] | Token) -> int:
    """Where a node starts: its first token's offset (no rule of the grammar can be empty)."""
    while isinstance(node, Tree):
        node = node.children[0]
    return node.start_pos or 0


class _Walker:
    """Turns the parse tree into shaped literals; checks shapes, sums and the entry cap."""

    def __init__(self, text: str) -> None:
        self.text = text
        self.clean = _normalize(text)
        self.count = 0

    def fail(self, position: int, reason: str) -> ReadError:
        return ReadError(self.text, position, reason)

    def top(self, tree: Tree[Token]) -> Reading:
        """The whole answer: a sum, or a number, vector or matrix."""
        body = tree.children[0] if len(tree.children) == 1 else tree.children[1]
        assert isinstance(body, Tree)
        seq = body.children[0]
        assert isinstance(seq, Tree)
        items, seps, trailing = _split(seq)
        single = not _is_list(seps, trailing)
        first = _unparenthesized(items[0]) if single else items[0]
        is_group = isinstance(first, Tree) and first.data == "group"
        if len(body.children) == 3:
            if not single or is_group:
                raise self.fail(_pos(body.children[1]), "'=' is only read after a single number "
                                                        "or sum, as in 27+12=39")
            return self.sum_reading(first, body.children[2])
        if single and isinstance(first, Tree) and first.data == "sum":
            return self.sum_reading(first, None)
        value = self.item(first) if single else self.combine(*self.expand(items, seps))
        return _reading(value, self.text)

    def sum_reading(self, first: Tree[Token] | Token, total: Tree[Token] | Token | None
                    ) -> Reading:
        """A sum ``a+b``, ``a+b=t`` or ``a=t`` (``first`` is the sum or its only term)."""
        is_sum = isinstance(first, Tree) and first.data == "sum"
        nodes = first.children[::2] if isinstance(first, Tree) and is_sum else [first]
        lits = [self.lit(node) for node in nodes]
        pairs = [_convert(lit, f"term {i}", self.text) for i, lit in enumerate(lits, 1)]
        terms = tuple(v for v, _ in pairs)
        tols = tuple(t for _, t in pairs)
        if total is not None:
            value, tol = _convert(self.lit(total), "the total", self.text)
        else:
            try:  # fsum raises OverflowError for an intermediate overflow
                value, tol = math.fsum(terms), math.fsum(tols)
            except OverflowError:
                value = tol = math.inf
            if not (math.isfinite(value) and math.isfinite(tol)):
                raise self.fail(lits[0].start, "the sum is too large")
        return Reading(_frozen(np.array(value)), _frozen(np.array(tol)), terms, tols,
                       total is not None)

    def item(self, node: Tree[Token] | Token) -> _Val:
        if isinstance(node, Tree) and node.data == "group":
            return self.group(node)
        if isinstance(node, Tree) and node.data == "sum":
            raise self.fail(_pos(node.children[1]), "a sum such as 27+12 is only read as the "
                                                    "whole answer, not as one entry")
        lit = self.lit(node)
        return _Val((), [lit], lit.start)

    def lit(self, node: Tree[Token] | Token) -> _Lit:
        """The literal of a number, a signed number or a quoted one; counts entries."""
        self.count += 1
        if self.count > MAX_ENTRIES:
            raise self.fail(_pos(node), f"too many numbers (at most {MAX_ENTRIES:,})")
        return _literal(node)

    def group(self, tree: Tree[Token]) -> _Val:
        opener, *rest = tree.children
        assert isinstance(opener, Token)
        if opener.type == "NAME":
            return self.call(opener, rest)
        seq = rest[0]
        if not isinstance(seq, Tree):
            what = "matrix environment" if opener.type == "BEGIN" else "brackets"
            raise self.fail(_pos(opener), f"empty {what}")
        items, seps, trailing = _split(seq)
        items, seps = self.expand(items, seps)
        if opener.type == "BEGIN":
            for node in items:
                if isinstance(node, Tree) and node.data == "group":
                    raise self.fail(_pos(node), "a matrix environment holds numbers, not lists")
        if _is_list(seps, trailing):
            value = self.combine(items, seps)
            value = _Val(value.shape, value.lits, _pos(opener))
        else:
            value = self.item(items[0])
            if opener.type == "LSQB" and not value.env:
                if len(value.shape) == 2:
                    raise self.fail(_pos(opener), "more than 2 dimensions")
                value = _Val((1, *value.shape), value.lits, _pos(opener))
        if opener.type == "BEGIN":
            shape = value.shape if len(value.shape) == 2 else (1, *value.shape, 1)[:2]
            value = _Val(shape, value.lits, _pos(opener), env=True)
        return value

    def call(self, name: Token, rest: list[Tree[Token] | Token]) -> _Val:
        """``array(...)``, ``tensor(...)``, ``np.float64(...)``: the value inside."""
        seq = rest[1]
        assert isinstance(seq, Tree)
        items, seps, _ = _split(seq)
        if seps:
            raise self.fail(_pos(seps[0]), f"{name}(...) holds one value")
        value = self.item(items[0])
        if str(name).split(".")[-1] in _SCALAR_CALLS and value.shape:
            raise self.fail(_pos(items[0]), f"{name}(...) holds a single number")
        return _Val(value.shape, value.lits, value.start)

    def expand(self, items: list[Tree[Token] | Token], seps: list[Token]
               ) -> tuple[list[Tree[Token] | Token], list[Token]]:
        """Items and separators of a list, where ``1 +5`` (each '+' with a space before it and
        none after) is two entries, as in ``1 +5 2``; other sums stay sums (and are refused)."""
        out: list[Tree[Token] | Token] = []
        out_seps: list[Token] = []
        for i, node in enumerate(items):
            if i:
                out_seps.append(seps[i - 1])
            if isinstance(node, Tree) and node.data == "sum" and self.signs(node):
                out.append(node.children[0])
                for plus, term in zip(node.children[1::2], node.children[2::2], strict=True):
                    assert isinstance(plus, Token)
                    out_seps.append(Token.new_borrow_pos("SP", " ", plus))
                    out.append(term)
            else:
                out.append(node)
        return out, out_seps

    def signs(self, node: Tree[Token]) -> bool:
        """Whether every '+' of a sum has a space before it and none after it."""
        for plus in node.children[1::2]:
            p = _pos(plus)
            if self.clean[p - 1:p] != " " or self.clean[p + 1:p + 2] in (" ", "\n"):
                return False
        return True

    def combine(self, items: list[Tree[Token] | Token], seps: list[Token]) -> _Val:
        """Items joined by separators: a row of numbers, rows of numbers, or rows of lists."""
        values = [self.item(node) for node in items]
        ndim = len(values[0].shape)
        for value in values:
            if len(value.shape) == 2:
                raise self.fail(value.start, "more than 2 dimensions: a list of matrices")
            if len(value.shape) != ndim:
                raise self.fail(value.start, "this list mixes numbers and lists")
        if ndim == 1:
            self.same_lengths([v.shape[0] for v in values], [v.start for v in values])
            lits = [lit for v in values for lit in v.lits]
            return _Val((len(values), values[0].shape[0]), lits, values[0].start)
        rows: list[list[_Val]] = [[values[0]]]
        for sep, value in zip(seps, values[1:], strict=True):
            if sep.type in _ROW_SEPS:
                rows.append([value])
            else:
                rows[-1].append(value)
        self.same_lengths([len(r) for r in rows], [r[0].start for r in rows])
        lits = [v.lits[0] for v in values]
        shape = (len(lits),) if len(rows) == 1 else (len(rows), len(rows[0]))
        return _Val(shape, lits, values[0].start)

    def same_lengths(self, lengths: list[int], starts: list[int]) -> None:
        """Raise, giving each row's length (or the first odd one), unless all are equal."""
        bad = next((i for i, n in enumerate(lengths) if n != lengths[0]), None)
        if bad is None:
            return
        if len(lengths) <= 10:
            detail = ", ".join(f"row {i} has {n}" for i, n in enumerate(lengths, 1))
        else:
            detail = f"row 1 has {lengths[0]}, row {bad + 1} has {lengths[bad]}"
        raise self.fail(starts[bad], f"the rows have different lengths ({detail})")


def _unparenthesized(node: Tree[Token] | Token) -> Tree[Token] | Token:
    """What parentheses around a single item (``(27+12)``, ``((5))``) hold; else ``node``."""
    while isinstance(node, Tree) and node.data == "group":
        opener, seq = node.children[0], node.children[1]
        if not (isinstance(opener, Token) and opener.type == "LPAR" and isinstance(seq, Tree)):
            break
        items, seps, trailing = _split(seq)
        if _is_list(seps, trailing):
            break
        node = items[0]
    return node


def _split(seq: Tree[Token]) -> tuple[list[Tree[Token] | Token], list[Token], Token | None]:
    """A seq's items, the separators between them, and a trailing separator (or None)."""
    children = seq.children
    seps = [c for c in children[1::2] if isinstance(c, Token)]
    trailing = seps.pop() if len(children) % 2 == 0 else None
    return children[::2], seps, trailing


def _is_list(seps: list[Token], trailing: Token | None) -> bool:
    """Whether a seq is a list: separators between items, or a trailing ',' or '&'."""
    return bool(seps) or (trailing is not None and trailing.type not in _ROW_SEPS)


def _literal(node: Tree[Token] | Token) -> _Lit:
    """The literal of NUMBER, NONFINITE, ratio, frac, signed or quoted."""
    if isinstance(node, Token):
        start, end = node.start_pos or 0, node.end_pos or 0
        return _Lit(start, end, 1, str(node), nonfinite=node.type == "NONFINITE")
    parts = node.children
    if node.data == "quoted":
        return _literal(parts[1])
    if node.data == "signed":
        sign = -1 if isinstance(parts[0], Token) and parts[0].type == "MINUS" else 1
        inner = _literal(parts[1])
        return _Lit(_pos(node), inner.end, sign * inner.sign, inner.num, inner.den,
                    inner.nonfinite)
    tokens = [t for t in parts if isinstance(t, Token)]
    start, end = tokens[0].start_pos or 0, tokens[-1].end_pos or 0
    if node.data == "ratio":
        return _Lit(start, end, 1, str(tokens[0]), str(tokens[2]))
    # frac: \frac { -? NUMBER } { -? NUMBER }
    where = [i for i, t in enumerate(tokens) if t.type == "NUMBER"]
    sign = (-1) ** sum(tokens[i - 1].type == "MINUS" for i in where)
    return _Lit(start, end, sign, str(tokens[where[0]]), str(tokens[where[1]]))


# ----------------------------------------------------------------------------- values
def _value(lit: _Lit) -> tuple[float, float]:
    """Value and tolerance of one literal; _EntryProblem if it has no finite float value."""
    if lit.nonfinite:
        raise _EntryProblem("is not finite")
    if len(lit.num) > MAX_DIGITS or (lit.den is not None and len(lit.den) > MAX_DIGITS):
        raise _EntryProblem(f"has too many digits (more than {MAX_DIGITS})")
    if lit.den is not None:
        if not (lit.num.isdigit() and lit.den.isdigit()):
            raise _EntryProblem("is not a fraction of whole numbers")
        den = int(lit.den)
        if den == 0:
            raise _EntryProblem("divides by zero")
        try:
            value = lit.sign * int(lit.num) / den  # int / int rounds correctly
        except OverflowError:
            raise _EntryProblem("is too large") from None
        return value, 1e-9 * max(1.0, abs(value))
    text = lit.num
    if text.isdigit():
        try:
            value = float(lit.sign * int(text))
        except OverflowError:
            raise _EntryProblem("is too large") from None
        return value, 1e-9 * max(1.0, abs(value))
    value = lit.sign * float(text)
    if not math.isfinite(value):
        raise _EntryProblem("is too large")
    tol = 1e-9 * max(1.0, abs(value))
    mantissa, _, exponent = text.lower().partition("e")
    # Decimal places of the value as written: 3.3e-01 has two, like 0.33.
    # (at most 400: 1e-400 underflows to 0 anyway, and 10.0 ** -places must not overflow)
    places = min(len(mantissa.partition(".")[2]) - int(exponent or 0), MAX_DIGITS)
    if places >= 2:  # a rounded decimal: half a unit in its last written place
        tol = max(tol, 0.5 * 10.0 ** -places * (1 + 1e-9) + 1e-12 * max(1.0, abs(value)))
    return value, tol


def _convert(lit: _Lit, who: str, text: str) -> tuple[float, float]:
    try:
        return _value(lit)
    except _EntryProblem as exc:
        literal = _shorten(text[lit.start:lit.end])
        raise ReadError(text, lit.start, f"{who} {exc.problem}: {literal}") from None


def _entry_name(shape: tuple[int, ...], flat: int) -> str:
    if not shape:
        return "the number"
    return f"entry {entry_label([int(i) for i in np.unravel_index(flat, shape)])}"


def _frozen(array: FloatArray) -> FloatArray:
    array.flags.writeable = False
    return array


def _reading(value: _Val, text: str) -> Reading:
    pairs = []
    for i, lit in enumerate(value.lits):
        try:
            pairs.append(_value(lit))
        except _EntryProblem:
            _convert(lit, _entry_name(value.shape, i), text)  # raises, naming the entry
    values = np.array([v for v, _ in pairs], dtype=np.float64).reshape(value.shape)
    tols = np.array([t for _, t in pairs], dtype=np.float64).reshape(value.shape)
    return Reading(_frozen(values), _frozen(tols))


# ----------------------------------------------------------------------------- public API
def read_answer(text: str) -> Reading:
    """Read an answer written in any notation of this module's docstring.

    Returns a :class:`Reading` whose values and tolerances are finite.  Raises ``TypeError``
    if ``text`` is not a string and :class:`ReadError` (a ``ValueError``) for any string that
    cannot be read -- never another exception.

    >>> read_answer("-1,3,-2; 3,-3,1").values.tolist()
    [[-1.0, 3.0, -2.0], [3.0, -3.0, 1.0]]
    >>> read_answer("27 + 12").terms
    (27.0, 12.0)
    >>> read_answer("3,,4")
    Traceback (most recent call last):
    ...
    hw5ref.reader.ReadError: cannot read '3,,4' at column 3: expected a number
    """
    if not isinstance(text, str):
        raise TypeError(f"an answer must be a string, got {type(text).__name__}")
    if len(text) > MAX_LENGTH:
        raise ReadError(text, None, f"the answer is {len(text):,} characters long; at most "
                                    f"{MAX_LENGTH:,} are read")
    try:
        return _Walker(text).top(_parse(text))
    except ReadError:
        raise
    except Exception as exc:  # pragma: no cover - a bug; the caller still gets a ReadError
        raise ReadError(text, None, f"internal error ({type(exc).__name__}); please report "
                                    "this answer") from exc


def read_number(text: str) -> tuple[float, float]:
    """Read one number (``39``, ``-2/3``, ``28.08``, ``\\frac{1}{3}``, ``"1/3"``, ...).

    Returns ``(value, tolerance)``, both finite.  Raises :class:`ReadError` for anything else,
    vectors and sums included.

    >>> read_number("-\\\\frac{1}{4}")
    (-0.25, 1e-09)
    """
    reading = read_answer(text)
    if reading.terms:
        raise ReadError(text, None, "expected a single number, found a sum")
    if reading.values.ndim:
        shape = "x".join(str(n) for n in reading.values.shape)
        raise ReadError(text, None, f"expected a single number, found an array of shape {shape}")
    return float(reading.values), float(reading.tolerances)


def read_value(value: object, name: str) -> FloatArray:
    """Read a value recorded in data (YAML/JSON) as a float64 array.

    ``value`` is an int, a float, a numeric string (anything :func:`read_number` reads, e.g.
    ``"2/3"``), or a rectangular list/tuple of those, or of lists/tuples of those (at most
    2-D); numpy scalars and arrays are read the same way.  Returns a new 0-D, 1-D or 2-D
    array.  Raises ``ValueError`` whose message starts with ``name`` for bool, None, NaN,
    infinities, overflowing values, ragged or empty lists and deeper nesting, naming entries
    1-based: ``"w: entry (2, 3) is not finite"``.

    >>> read_value([["1/3", 2], [3, 4.5]], "m").tolist()
    [[0.3333333333333333, 2.0], [3.0, 4.5]]
    """
    if isinstance(value, np.ndarray):
        value = value.tolist()
    if not isinstance(value, (list, tuple)):
        return np.array(_data_number(value, name, "the value"), dtype=np.float64)
    if not value:
        raise ValueError(f"{name}: the list is empty")
    nested = [_is_sequence(row) for row in value]
    if not any(nested):
        numbers_ = [_data_number(v, name, f"entry {i}") for i, v in enumerate(value, 1)]
        return np.array(numbers_, dtype=np.float64)
    if not all(nested):
        bad = nested.index(not nested[0]) + 1
        raise ValueError(f"{name}: entry {bad} mixes numbers and lists (rows 1 and {bad})")
    rows = [list(row.tolist() if isinstance(row, np.ndarray) else row) for row in value]
    lengths = [len(row) for row in rows]
    if lengths[0] == 0:
        raise ValueError(f"{name}: row 1 is empty")
    if len(set(lengths)) > 1:
        detail = ", ".join(f"row {i} has {n}" for i, n in enumerate(lengths, 1))
        raise ValueError(f"{name}: the rows have different lengths ({detail})")
    out = np.empty((len(rows), lengths[0]), dtype=np.float64)
    for i, row in enumerate(rows):
        for j, entry in enumerate(row):
            out[i, j] = _data_number(entry, name, f"entry {entry_label((i, j))}")
    return out


def _is_sequence(value: object) -> bool:
    return isinstance(value, (list, tuple, np.ndarray))


def _data_number(value: object, name: str, subject: str) -> float:
    """One number of a data value; ``subject`` is ``"the value"`` or ``"entry (2, 3)"``."""
    if isinstance(value, str):
        try:
            return read_number(value)[0]
        except ReadError as err:
            raise ValueError(f"{name}: {subject}: {err}") from None
    number, problem = _data_float(value)
    if problem is not None:
        raise ValueError(f"{name}: {subject} {problem}")
    return number


def _data_float(value: object) -> tuple[float, str | None]:
    """A non-string data entry as a float, or what is wrong with it."""
    if isinstance(value, (bool, np.bool_)):
        return math.nan, f"is a bool ({value}), not a number"
    if value is None:
        return math.nan, "is missing (None)"
    if _is_sequence(value):
        return math.nan, "is a list; at most 2 dimensions are read"
    if not isinstance(value, numbers.Real):
        return math.nan, f"is a {type(value).__name__}, not a number"
    try:
        number = float(value)
    except OverflowError:
        return math.nan, "is too large"
    return number, None if math.isfinite(number) else "is not finite"
