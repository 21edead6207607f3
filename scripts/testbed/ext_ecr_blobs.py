"""ECR image blobs for the test server (hooked from server.py).

moto 5.2.x stores manifests (PutImage / BatchGetImage work) but no blobs, and its
GetDownloadUrlForLayer raises NotImplementedError. toadtop's exec doctor reads an image's
config blob (its `config.Volumes`, the Dockerfile's VOLUME lines) through that call, so:

    POST /_toadtop/ecr-blob   {"content": "<text>"} stores a blob under its sha256 digest;
                              {"content": ..., "digest": "sha256:..."} stores it under that
                              digest instead (a corrupt blob, for the sha256 check).
                              Answers {"digest", "size", "url"}.
    GET  /_toadtop/blobs/<digest>  the stored bytes (what the download URL points at)

and GetDownloadUrlForLayer answers with a URL on this server, plain HTTP on loopback (ECR
answers an https S3 URL; toadtop accepts http only when an endpoint URL is configured).
"""

from __future__ import annotations

import hashlib
import threading
from typing import Any

from moto.core.exceptions import ServiceException
from moto.core.responses import ActionResult
from moto.ecr.responses import ECRResponse
from werkzeug.wrappers import Response

BLOB_PREFIX = "/_toadtop/blobs/"
_blobs: dict[str, bytes] = {}
_LOCK = threading.Lock()


class LayersNotFoundException(ServiceException):
    code = "LayersNotFoundException"


def put_blob(body: dict[str, Any]) -> dict[str, Any]:
    """POST /_toadtop/ecr-blob (see the module doc)."""
    if set(body) - {"content", "digest"} or not isinstance(body.get("content"), str):
        raise ValueError('expected {"content": TEXT, "digest"?: "sha256:..."}')
    data = body["content"].encode()
    digest = body.get("digest") or "sha256:" + hashlib.sha256(data).hexdigest()
    with _LOCK:
        _blobs[digest] = data
    return {"digest": digest, "size": len(data), "url": BLOB_PREFIX + digest}


def serve(environ: dict[str, Any], start_response: Any) -> Any:
    """GET /_toadtop/blobs/<digest>: the stored bytes, 404 when unknown."""
    digest = environ.get("PATH_INFO", "")[len(BLOB_PREFIX):]
    with _LOCK:
        data = _blobs.get(digest)
    if data is None:
        return Response("no such blob", status=404)(environ, start_response)
    return Response(data, mimetype="application/octet-stream")(environ, start_response)


def get_download_url_for_layer(self: ECRResponse) -> Any:
    digest = self._get_param("layerDigest")
    repository = self._get_param("repositoryName")
    self.ecr_backend.describe_repositories(repository_names=[repository])  # RepositoryNotFound
    with _LOCK:
        known = digest in _blobs
    if not known:
        raise LayersNotFoundException(f"The layer {digest} does not exist in repository {repository}")
    host = self.headers.get("Host", "127.0.0.1")
    return ActionResult({"downloadUrl": f"http://{host}{BLOB_PREFIX}{digest}", "layerDigest": digest})


ECRResponse.get_download_url_for_layer = get_download_url_for_layer
