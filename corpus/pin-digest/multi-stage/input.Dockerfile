FROM --platform=$BUILDPLATFORM python:3.12-slim AS build
RUN pip wheel -w /wheels .

FROM build AS test
RUN pytest

FROM gcr.io/distroless/python3-debian12:nonroot
COPY --from=build /wheels /wheels
