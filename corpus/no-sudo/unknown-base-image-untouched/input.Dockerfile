FROM cimg/python:3.12
RUN sudo apt-get update
FROM $BASE
RUN sudo apt-get update
