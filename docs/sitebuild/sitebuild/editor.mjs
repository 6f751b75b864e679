// The "Try it" editor: CodeMirror 6 from npm, bundled by esbuild at build time
// (sitebuild/browser_python.py) into assets/javascripts/editor.js, which
// try-it.js imports on the first Edit. Python highlighting, line numbers,
// undo history, bracket matching; Ctrl/Cmd-Enter runs the code.
import { defaultKeymap, history, historyKeymap, indentWithTab } from "@codemirror/commands";
import { python } from "@codemirror/lang-python";
import { bracketMatching, defaultHighlightStyle, indentUnit, syntaxHighlighting } from "@codemirror/language";
import { EditorState } from "@codemirror/state";
import { EditorView, keymap, lineNumbers } from "@codemirror/view";

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
        syntaxHighlighting(defaultHighlightStyle),
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
