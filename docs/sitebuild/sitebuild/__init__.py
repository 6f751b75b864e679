"""The build code of the MicroGPT Visualized site: one module per chapter
(sitebuild.chapters), what they share (sitebuild.common, sitebuild.plotting),
and the MkDocs entry points that loop over the chapters (sitebuild/hooks/)."""
