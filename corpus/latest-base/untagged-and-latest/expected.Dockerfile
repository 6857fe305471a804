ARG BASE=node
FROM python AS a
FROM python:latest AS b
FROM ${BASE} AS c
FROM python:3.12 AS d
FROM python@sha256:0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef AS e
FROM a
FROM scratch
