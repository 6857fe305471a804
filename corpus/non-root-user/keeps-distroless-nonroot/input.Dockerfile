FROM gcr.io/distroless/python3-debian12:nonroot
COPY app.py /app/
CMD ["/app/app.py"]
