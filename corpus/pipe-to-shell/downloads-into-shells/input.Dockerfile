FROM debian:bookworm
RUN curl -fsSL https://get.example.com/install.sh | sh
RUN wget -qO- https://example.com/setup | sudo -E bash -s -- --yes
RUN curl -sSL https://install.python-poetry.org | python3 -
