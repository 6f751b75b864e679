// The "Try it" editor: CodeMirror 6 from npm, bundled by esbuild at build time
// (sitebuild/browser_python.py) into assets/javascripts/editor.js, which
// try-it.js imports on the first Edit. Python highlighting, line numbers,
// undo history, bracket matching; Ctrl/Cmd-Enter runs the code. Its colours
// are the theme's own code colours (Material's --md-code-hl-* variables), so
// they keep their contrast in the light and the dark theme alike.
import { defaultKeymap, history, historyKeymap, indentWithTab } from "@codemirror/commands";
import { python } from "@codemirror/lang-python";
import { bracketMatching, HighlightStyle, indentUnit, syntaxHighlighting } from "@codemirror/language";
import { EditorState } from "@codemirror/state";
import { EditorView, keymap, lineNumbers } from "@codemirror/view";
import { tags } from "@lezer/highlight";

const themeColours = HighlightStyle.define(
  [
    [[tags.keyword, tags.controlKeyword, tags.definitionKeyword, tags.moduleKeyword], "keyword"],
    [[tags.string, tags.special(tags.string)], "string"],
    [[tags.number, tags.bool, tags.null], "number"],
    [[tags.comment, tags.lineComment], "comment"],
    [[tags.function(tags.definition(tags.variableName)), tags.function(tags.variableName)], "function"],
    [[tags.definition(tags.className), tags.className], "name"],
    [[tags.operator, tags.compareOperator, tags.arithmeticOperator], "operator"],
    [[tags.punctuation, tags.bracket], "punctuation"],
    [[tags.self, tags.atom], "constant"],
  ].map(([tag, kind]) => ({ tag, color: `var(--md-code-hl-${kind}-color)` })),
);

export function createEditor(parent, doc, { onRun, label }) {
  const run = () => {
    onRun();
    return true;
  };
  const view = new EditorView({
    parent,
    state: EditorState.create({
      doc,
      extensions: [
        lineNumbers(),
        history(),
        bracketMatching(),
        python(),
        indentUnit.of("    "),
        syntaxHighlighting(themeColours),
        keymap.of([{ key: "Mod-Enter", run }, indentWithTab, ...defaultKeymap, ...historyKeymap]),
        EditorView.contentAttributes.of({ "aria-label": label }),
        EditorView.lineWrapping,
      ],
    }),
  });
  return {
    getCode: () => view.state.doc.toString(),
    setCode: (code) => view.dispatch({ changes: { from: 0, to: view.state.doc.length, insert: code } }),
    focus: () => view.focus(),
  };
}
