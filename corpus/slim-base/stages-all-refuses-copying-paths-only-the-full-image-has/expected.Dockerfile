FROM python:3.12 AS headers
RUN true

FROM python:3.12-slim
COPY --from=headers /usr/include/python3.12 /opt/include
CMD ["python"]
