# SPDX-License-Identifier: Apache-2.0 WITH LLVM-exception
"""Script policies: first-match rules from a file, the language of
`switchyard-agent --policy script:FILE` (docs/agents.md), as an `Agent`.

    # comment
    subscribe <kind> [passes=A,B*] [functions=f,g] [observe=a,b] [no-features]
    <kind> [field=glob ...] => default | <option> [int ...] [@function] [observe=a,b]

Fields: module, function, pass, pass-arg, unit, unit-kind, site, index;
globs take `*` and `?`. The first rule that matches answers; no match
answers the default. Without `subscribe` lines the script subscribes to
every kind its rules name, and only to the passes they name when every rule
of the kind names its `pass` exactly or as a `prefix*`.

One difference from the C++ agent, on purpose: option names are checked
when the script loads, against each kind's legal options (`SITE_OPTIONS`,
and for `pass-pipeline` the plugin's action space when it is known then, or
else each compiler's when it connects), with their parameter counts, and a
mistake is a `ScriptError` naming FILE:LINE. The C++ agent sends an unknown
name as an out-of-range index, which its tests use to make the compiler
refuse an answer.
"""

import re

from .agent import Agent, Refuse
from .messages import KINDS, OBSERVATIONS, Answer, Subscription

__all__ = ["ScriptAgent", "ScriptError", "SITE_OPTIONS", "FIELDS"]

#: The legal options of each site decision kind, in the compiler's order,
#: with their number of integer parameters (docs/hooks.md; hooks/*Hook.cpp).
SITE_OPTIONS = {
    "pass-gate": {"run": 0, "skip": 0},
    "inline": {"no": 0, "yes": 0},
    "loop-unroll": {"auto": 0, "none": 0, "full": 0, "partial": 1,
                    "runtime": 1},
    "loop-vectorize": {"auto": 0, "disable": 0, "vectorize": 2},
    "loop-distribute": {"auto": 0, "distribute": 0, "never": 0},
    "licm": {"allow": 0, "disable": 0},
    "loop-unswitch": {"auto": 0, "nontrivial": 0},
}

#: What a rule can match on, and the Request attribute it reads.
FIELDS = {"module": "module", "function": "function", "pass": "pass_name",
          "pass-arg": "pass_arg", "unit": "unit_name",
          "unit-kind": "unit_kind", "site": "site_id", "index": "index"}

_PIPELINE = "pass-pipeline"
#: A rewrite site's options are `none` and the rules that match there
#: (docs/rewrite.md): only the request knows them. A script's rewrite rule
#: names a rule of the catalog; where that rule does not match, the script
#: answers the default.
_REWRITE = "rewrite"


class ScriptError(ValueError):
    """A script that does not load; the message starts with FILE:LINE."""


def _glob(pattern):
    """`*` and `?` only, as the C++ agent's globMatch: `[` is literal."""
    return re.compile("".join(
        ".*" if c == "*" else "." if c == "?" else re.escape(c)
        for c in pattern) + r"\Z", re.S)


def _observations(text):
    mask = 0
    for name in (n for n in text.split(",") if n):
        if name not in OBSERVATIONS:
            raise ValueError("unknown observation '%s' (known: %s)"
                             % (name, ", ".join(OBSERVATIONS)))
        mask |= OBSERVATIONS[name]
    return mask


class _Rule:
    __slots__ = ("line", "kind", "matchers", "option", "params", "target",
                 "observe", "patterns")

    def __init__(self, line, kind):
        self.line = line
        self.kind = kind
        self.matchers = []   # (field, glob text)
        self.patterns = []   # (Request attribute, compiled glob)
        self.option = None   # None: the default
        self.params = []
        self.target = None
        self.observe = 0

    def matches(self, request):
        for attr, pattern in self.patterns:
            value = getattr(request, attr)
            if not pattern.match(value if isinstance(value, str)
                                 else str(value)):
                return False
        return True


class ScriptAgent(Agent):
    """An agent that answers by a script's first-match rules.

    \\p path: the script. \\p action_space: the pass-pipeline action names
    (or `Option`s) to check `pass-pipeline` rules against when it loads;
    None leaves that check to each compiler's Hello (a compiler whose
    action space lacks a name the script uses is refused, with FILE:LINE
    as the reason). Raises ScriptError (or OSError) if the script does not
    load."""

    def __init__(self, path, action_space=None):
        self.path = path
        self.rules = []
        self.subscriptions = []
        self._unchecked = []  # pipeline rules not checked yet
        with open(path, encoding="utf-8") as f:
            lines = f.read().splitlines()
        for number, text in enumerate(lines, 1):
            words = text.split("#", 1)[0].split()
            if not words:
                continue
            try:
                self._parse(number, words)
            except ValueError as e:
                raise ScriptError("%s:%d: %s" % (path, number, e)) from None
        if action_space is not None:
            error = self.check_action_space(action_space)
            if error:
                raise ScriptError(error)

    # --- Loading ----------------------------------------------------------

    @staticmethod
    def _kind(word, what):
        if word not in KINDS.values():
            raise ValueError("unknown decision kind '%s' in %s (known: %s)"
                             % (word, what, ", ".join(KINDS.values())))
        return word

    def _parse(self, number, words):
        if words[0] == "subscribe":
            if len(words) < 2:
                raise ValueError("'subscribe' needs a decision kind")
            kind = self._kind(words[1], "subscribe")
            passes, functions, observe, no_features = (), (), 0, False
            for w in words[2:]:
                key, _, value = w.partition("=")
                if key == "no-features":
                    no_features = True
                elif key == "passes":
                    passes = tuple(v for v in value.split(",") if v)
                elif key == "functions":
                    functions = tuple(v for v in value.split(",") if v)
                elif key == "observe":
                    observe = _observations(value)
                else:
                    raise ValueError("unknown subscription field '%s' "
                                     "(known: passes, functions, observe, "
                                     "no-features)" % key)
            self.subscriptions.append(Subscription(
                kind, passes, functions, observe, no_features))
            return

        rule = _Rule(number, self._kind(words[0], "a rule"))
        i = 1
        while i < len(words) and words[i] != "=>":
            key, eq, pattern = words[i].partition("=")
            if not eq:
                raise ValueError("expected field=pattern, got '%s'"
                                 % words[i])
            if key not in FIELDS:
                raise ValueError("unknown field '%s' (known: %s)"
                                 % (key, ", ".join(FIELDS)))
            rule.matchers.append((key, pattern))
            rule.patterns.append((FIELDS[key], _glob(pattern)))
            i += 1
        if i + 1 >= len(words):
            raise ValueError("expected '=> answer'")
        chosen = False
        for w in words[i + 1:]:
            if w.startswith("observe="):
                rule.observe |= _observations(w[len("observe="):])
            elif w.startswith("@"):
                rule.target = w[1:]
            elif not chosen:
                chosen = True
                if w != "default":
                    rule.option = w
            else:
                try:
                    rule.params.append(int(w, 0))
                except ValueError:
                    raise ValueError("expected an integer parameter, got "
                                     "'%s'" % w) from None
        if rule.option is None and (rule.params or rule.target):
            raise ValueError("'default' takes no parameters or target")
        self._check_site_rule(rule)
        self.rules.append(rule)

    def _check_site_rule(self, rule):
        if rule.option is None:
            return
        if rule.kind == _PIPELINE:
            self._unchecked.append(rule)
            return
        if rule.kind == _REWRITE:
            if rule.params or rule.target is not None:
                raise ValueError("a rewrite answer is a rule name, with no "
                                 "parameters or target")
            return
        options = SITE_OPTIONS.get(rule.kind)
        if options is None:
            raise ValueError("%s decisions have no options to choose "
                             "(answer 'default')" % rule.kind)
        if rule.option not in options:
            raise ValueError("'%s' is not a %s option (legal: %s)" % (
                rule.option, rule.kind, ", ".join(options)))
        want = options[rule.option]
        if len(rule.params) != want:
            raise ValueError("%s '%s' takes %d parameter%s, not %d" % (
                rule.kind, rule.option, want, "" if want == 1 else "s",
                len(rule.params)))
        if rule.target is not None:
            raise ValueError("a target (@%s) is only for pass-pipeline "
                             "actions" % rule.target)

    def check_action_space(self, action_space):
        """Checks the pass-pipeline rules against \\p action_space (names
        or `Option`s, in index order). Returns an error text naming
        FILE:LINE, or "" when every rule's action is there."""
        options = {}
        for o in action_space:
            name = getattr(o, "name", o)
            options[name] = o
        for rule in self._unchecked:
            where = "%s:%d: " % (self.path, rule.line)
            if rule.option not in options:
                return where + ("'%s' is not in the pass-pipeline action "
                                "space (%d actions, e.g. %s)" % (
                                    rule.option, len(options),
                                    ", ".join(list(options)[:6])))
            o = options[rule.option]
            params = len(getattr(o, "params", ()))
            if len(rule.params) != params:
                return where + ("action '%s' takes %d parameters, not %d"
                                % (rule.option, params, len(rule.params)))
            if rule.target is not None and hasattr(o, "function_scope") \
                    and not o.function_scope:
                return where + ("action '%s' runs on the whole module: it "
                                "cannot take a target (@%s)"
                                % (rule.option, rule.target))
        return ""

    # --- Serving ------------------------------------------------------------

    def hello(self, session):
        if _PIPELINE in session.offered and self._unchecked:
            error = self.check_action_space(session.action_space)
            if error:
                raise Refuse(error)
        wanted = []
        for kind in session.offered:
            explicit = [s for s in self.subscriptions if s.kind == kind]
            if explicit:
                wanted.extend(explicit)
                continue
            rules = [r for r in self.rules if r.kind == kind]
            if not rules:
                continue
            passes = []
            for r in rules:
                pattern = dict(r.matchers).get("pass", "")
                wild = [i for i, c in enumerate(pattern) if c in "*?"]
                if not pattern or (wild and (
                        wild[0] != len(pattern) - 1 or
                        pattern[wild[0]] == "?")):
                    passes = None  # some rule is not about named passes
                    break
                passes.append(pattern)
            wanted.append(Subscription(kind, passes or ()))
        return wanted

    def decide(self, request):
        for rule in self.rules:
            if rule.kind != request.kind or not rule.matches(request):
                continue
            if rule.option is None:
                return Answer.default(observe=rule.observe)
            if rule.kind == _REWRITE and \
                    request.find_option(rule.option) < 0:
                return Answer.default(observe=rule.observe)
            return Answer.choose(rule.option, tuple(rule.params),
                                 rule.target, observe=rule.observe)
        return Answer.default()
