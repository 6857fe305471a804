FROM --platform=$BUILDPLATFORM python:3.12-slim@sha256:11111111aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa AS build
RUN pip wheel -w /wheels .

FROM build AS test
RUN pytest

FROM gcr.io/distroless/python3-debian12:nonroot@sha256:22222222bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb
COPY --from=build /wheels /wheels
