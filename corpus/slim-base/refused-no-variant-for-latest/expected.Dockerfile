FROM debian
CMD ["bash"]
