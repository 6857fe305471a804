FROM scratch AS base
COPY a /a
FROM base
