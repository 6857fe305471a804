FROM python:3.12
RUN curl -fsSL -o /tmp/x https://example.com/x
CMD ["python"]
