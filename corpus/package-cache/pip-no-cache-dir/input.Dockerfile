FROM python:3.12
RUN pip install -r requirements.txt
RUN pip3 install --upgrade pip && python3 -m pip install flask
RUN /opt/venv/bin/pip install gunicorn
