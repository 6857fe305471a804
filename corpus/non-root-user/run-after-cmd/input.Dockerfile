FROM debian:bookworm
WORKDIR /app
CMD ["./start"]
COPY start .
RUN chmod +x start
