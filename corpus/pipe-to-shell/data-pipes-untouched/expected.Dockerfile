FROM debian:bookworm
RUN curl -s https://api.example.com/v1 | python3 -c 'import json,sys; print(json.load(sys.stdin))'
RUN curl -fsSL https://example.com/key.gpg | gpg --dearmor -o /usr/share/keyrings/x.gpg
RUN curl -fsSLo install.sh https://example.com/install.sh && sh install.sh
RUN wget -qO- https://example.com/x.tar.gz | tar xz && bash -c 'echo done'
