ARG BASE=python:3.12
FROM $BASE AS build
RUN pip wheel -w /w .
FROM $BASE
COPY --from=build /w /w
