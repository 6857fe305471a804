FROM debian:12
RUN ["wget", "https://example.com/a"]
RUN <<EOT
wget https://example.com/b
EOT
RUN sh -c 'wget https://example.com/c'
RUN echo wget https://example.com/d
RUN if true; then wget "https://example.com/e; fi
FROM mcr.microsoft.com/windows/servercore:ltsc2022
RUN wget https://example.com/f
