# The pattern that must never be used, kept to prove that the leak scan
# catches it: the build key arrives as a build argument, which the image's
# history records in plain text, and the dotenv inputs are copied into the
# final image. The reference design built its images this way.
ARG BASE_IMAGE=python:3.11-slim
FROM ${BASE_IMAGE}
RUN --mount=type=bind,source=wheels,target=/tmp/wheels \
    python3 -m venv /opt/venv \
    && /opt/venv/bin/pip install --no-cache-dir --disable-pip-version-check \
        --no-index --find-links /tmp/wheels envbake
ENV PATH="/opt/venv/bin:${PATH}"
WORKDIR /app
COPY config/ /app/config/
ARG ENVBAKE_ENCRYPT_KEY
RUN envbake seal --input config/app.env --input config/secrets.env \
        --environment production --output /app/env.encrypted
ENTRYPOINT ["envbake", "run", "--"]
CMD ["python3", "/app/worker.py"]
