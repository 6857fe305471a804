FROM corp/base:2019
RUN echo hi
