FROM python:3.12
WORKDIR /src
COPY .pypirc /root/.pypirc
RUN pip install build twine
RUN python -m build && twine upload dist/* && rm /root/.pypirc
