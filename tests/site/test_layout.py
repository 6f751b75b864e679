"""Layout a reader can see: nothing on the page covers what they read."""

import pytest
from browser import open_page

# For each code block with Material's copy button: where its lines may end (the
# right of the code's content box) and where the button begins.
LINE_ENDS_AND_BUTTONS = """() => [...document.querySelectorAll('pre')]
  .filter((pre) => pre.querySelector('.md-code__nav'))
  .map((pre) => {
    const code = pre.querySelector('code'), padding = parseFloat(getComputedStyle(code).paddingRight);
    const button = pre.querySelector('.md-code__nav').getBoundingClientRect();
    return [code.getBoundingClientRect().left + code.clientWidth - padding, button.left];
  })"""


@pytest.mark.parametrize("width", [1280, 390])
@pytest.mark.parametrize("page_path", ["step-0/02-tokenizer/", "step-1/09-training/"])
def test_the_copy_button_covers_no_line_of_code_or_output(browser, root, page_path, width):
    with open_page(browser, f"{root}{page_path}", viewport={"width": width, "height": 900}) as page:
        page.locator("pre .md-code__nav").first.wait_for(state="attached")  # added by Material's script
        blocks = page.evaluate(LINE_ENDS_AND_BUTTONS)
        assert blocks
        for line_end, button in blocks:
            assert line_end <= button, f"{page_path}, {width} px: lines end at {line_end}, button at {button}"


@pytest.mark.parametrize("graph", [0, 1])
def test_the_backward_graph_fits_its_frame_on_a_desktop(browser, root, graph):
    """2.5 at 1280 px: every box of the graph in sight, with no sideways scrolling."""
    url = f"{root}step-2/05-backward/?graph={graph}"
    with open_page(browser, url, viewport={"width": 1280, "height": 900}) as page:
        frame = page.locator('.mg-widget[data-widget="backward-graph"] .mg-graph-frame')
        frame.locator("svg").wait_for()
        widths = frame.evaluate("frame => [frame.scrollWidth, frame.clientWidth]")
        assert widths[0] <= widths[1], f"the graph is {widths[0]} px wide in a {widths[1]} px frame"
