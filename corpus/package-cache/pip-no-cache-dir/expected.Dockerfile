FROM python:3.12
RUN pip install --no-cache-dir -r requirements.txt
RUN pip3 install --no-cache-dir --upgrade pip && python3 -m pip install --no-cache-dir flask
RUN /opt/venv/bin/pip install --no-cache-dir gunicorn
