ARG BASE
FROM example.com/team/builder:1.0
RUN wget https://example.com/a
FROM $BASE
RUN wget https://example.com/b
