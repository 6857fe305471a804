# The toolchain builds in a stage on the default image; the final stage only runs the result.
FROM python:3.12 AS build
WORKDIR /src
RUN printf '#include <stdio.h>\nint main(void) { puts("built with gcc"); return 0; }\n' > main.c \
    && gcc -O2 -o /src/hello main.c

FROM python:3.12-slim
COPY --from=build /src/hello /usr/local/bin/hello
CMD ["hello"]
