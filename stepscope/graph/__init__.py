"""The state graph: ASL model -> graph model -> DOT -> SVG."""
