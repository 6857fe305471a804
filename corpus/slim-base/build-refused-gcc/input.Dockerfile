FROM python:3.12
WORKDIR /src
RUN printf 'int main(void) { return 0; }\n' > main.c && gcc -o /usr/local/bin/app main.c
CMD ["app"]
