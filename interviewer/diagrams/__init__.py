"""Diagrams in the interview: Mermaid flowcharts and arrow lists read into a component graph.

Pure: no I/O, no framework. `extract` takes diagrams out of an answer, `parse` reads one,
`kinds` types its nodes through the concept lexicon it is given, `analysis` finds what an
interviewer would ask about, `design` follows the diagrams of a transcript (the latest one is
"the design"), `layout` draws it as text.
"""
