ARG BASE
FROM example.com/team/builder:1.0
RUN wget --progress=dot:giga https://example.com/a
FROM $BASE
RUN wget --progress=dot:giga https://example.com/b
