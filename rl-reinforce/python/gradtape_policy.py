#!/usr/bin/env python3
# Copyright 2026 the gradtape authors
#
# Licensed under the Apache License, Version 2.0 (the "License");
# you may not use this file except in compliance with the License.
# You may obtain a copy of the License at
#
#     http://www.apache.org/licenses/LICENSE-2.0
#
# Unless required by applicable law or agreed to in writing, software
# distributed under the License is distributed on an "AS IS" BASIS,
# WITHOUT WARRANTIES OR CONDITIONS OF ANY KIND, either express or implied.
# See the License for the specific language governing permissions and
# limitations under the License.
"""Load a gradtape policy checkpoint (policy.safetensors) into PyTorch.

gradtape's PolicyCheckpoint writes a Gaussian policy as a safetensors file whose
__metadata__ records the architecture (policy_format gradtape.gaussian_policy,
version 1). This module reads such a file with a plain reader of the format (no
`safetensors` package needed) and rebuilds the same network as a torch.nn.Module
in float64:

    import torch
    from gradtape_policy import load_policy

    policy = load_policy("runs/pendulum/policy.safetensors")
    mu, sigma = policy(torch.tensor([[1.0, 0.0, 0.5]], dtype=torch.float64))
    action = torch.distributions.Normal(mu, sigma).sample()

The network, as gradtape computes it:

    features = body(observation * observation_scale)   Linear, act, Linear, act, ...
    mu       = mu(features)                             a Linear head, no squashing
    sigma    = sigma_floor + exp(log_std)               policy_sigma log_std
    sigma    = sigma_floor + softplus(sigma(features))  policy_sigma softplus_head

gradtape stores a Dense kernel as (in, out) for x @ kernel + bias; torch's Linear
weight is (out, in), so kernels are transposed on loading. The action is not
squashed or clipped by the policy: environments clip it (Pendulum to [-2, 2]).

Anything the reader does not understand (another format or version, an unknown
policy_* key, an unknown activation or sigma design, a missing, misshapen or extra
tensor, a checksum that does not match) is refused with a GradtapePolicyError
that names the key or tensor. Run as a program, it prints the architecture, or
with --evaluate evaluates the policy on observations from a text file.

Needs Python 3.8+ and torch; nothing else.
"""

import argparse
import json
import math
import re
import struct
import sys
from array import array

try:
    import torch
    from torch import nn
except ImportError as e:
    raise ImportError(
        "gradtape_policy needs PyTorch (pip install torch; on Debian, apt-get install python3-torch)"
    ) from e

__all__ = [
    "GradtapePolicyError",
    "Architecture",
    "read_safetensors",
    "architecture_from_metadata",
    "GaussianPolicy",
    "load_policy",
]

POLICY_FORMAT = "gradtape.gaussian_policy"
POLICY_FORMAT_VERSION = "1"
CHECKPOINT_FORMAT = "gradtape.checkpoint"
CHECKPOINT_FORMAT_VERSIONS = ("1", "2")
CHECKSUM_KEY = "data_crc32c"
OPTIMIZER_PREFIX = "optimizer/"
POLICY_KEYS = (
    "policy_format",
    "policy_format_version",
    "policy_layers",
    "policy_activation",
    "policy_sigma",
    "policy_sigma_floor",
    "policy_observation_scale",
)
ACTIVATIONS = ("relu", "tanh", "sigmoid", "softplus")
SIGMAS = ("log_std", "softplus_head")
MAX_WIDTH = 1 << 15
MAX_HEADER_BYTES = 100_000_000
_WIDTHS = re.compile(r"[1-9][0-9]{0,4}(,[1-9][0-9]{0,4}){2,}\Z")
_NUMBER = re.compile(r"-?[0-9]+(\.[0-9]+)?([eE]-?[0-9]+)?\Z")
_DTYPES = {"F64": ("d", 8), "F32": ("f", 4)}


class GradtapePolicyError(ValueError):
    """A file this loader cannot read or does not understand; the message says why."""


# ----------------------------------------------------------------------------- the file format


def _crc32c_table():
    table = []
    for n in range(256):
        c = n
        for _ in range(8):
            c = (c >> 1) ^ 0x82F63B78 if c & 1 else c >> 1
        table.append(c)
    return table


_CRC32C = _crc32c_table()


def crc32c(data):
    """The CRC32C (Castagnoli) of `data`, the checksum gradtape writes as data_crc32c."""
    c = 0xFFFFFFFF
    table = _CRC32C
    for b in data:
        c = table[(c ^ b) & 0xFF] ^ (c >> 8)
    return c ^ 0xFFFFFFFF


def read_safetensors(path, verify_checksum=True):
    """Reads a safetensors file: ({name: float64 tensor}, {metadata key: string}).

    `path` is a file name, or the file's bytes (as a learner broadcasts them to workers).

    The format: 8 bytes N (unsigned little-endian), N bytes of JSON header
    {"name": {"dtype", "shape", "data_offsets": [begin, end]}, ..., "__metadata__": {...}},
    then the data, each tensor row-major and little-endian at [begin, end) of the data
    section. F64 and F32 (widened) are read, as gradtape reads them; other dtypes are
    refused. If the metadata holds data_crc32c (gradtape writes it), the data's CRC32C is
    checked against it unless verify_checksum is false.
    """
    if isinstance(path, (bytes, bytearray, memoryview)):
        blob = bytes(path)
        where = "<%d bytes>: " % len(blob)
    else:
        with open(path, "rb") as f:
            blob = f.read()
        where = "%s: " % (path,)
    if len(blob) < 8:
        raise GradtapePolicyError(where + "%d bytes, too short for a safetensors file" % len(blob))
    (n,) = struct.unpack("<Q", blob[:8])
    if n > MAX_HEADER_BYTES or 8 + n > len(blob):
        raise GradtapePolicyError(where + "header length %d does not fit the file of %d bytes" % (n, len(blob)))
    try:
        header = json.loads(blob[8 : 8 + n].decode("utf-8"))
    except (UnicodeDecodeError, ValueError) as e:
        raise GradtapePolicyError(where + "the header is not UTF-8 JSON (%s)" % e) from None
    if not isinstance(header, dict):
        raise GradtapePolicyError(where + "the header is not a JSON object")
    data = memoryview(blob)[8 + n :]
    metadata = header.pop("__metadata__", {})
    if not isinstance(metadata, dict) or not all(isinstance(v, str) for v in metadata.values()):
        raise GradtapePolicyError(where + "__metadata__ is not an object of strings")
    spans = []
    tensors = {}
    for name, entry in header.items():
        if not isinstance(entry, dict) or set(entry) != {"dtype", "shape", "data_offsets"}:
            raise GradtapePolicyError(where + "tensor %r: expected dtype, shape and data_offsets" % name)
        dtype, shape, offsets = entry["dtype"], entry["shape"], entry["data_offsets"]
        if dtype not in _DTYPES:
            raise GradtapePolicyError(where + "tensor %r has dtype %r; this reader reads F64 and F32" % (name, dtype))
        if not isinstance(shape, list) or not all(isinstance(d, int) and d >= 0 for d in shape):
            raise GradtapePolicyError(where + "tensor %r has shape %r, not a list of sizes" % (name, shape))
        if (
            not isinstance(offsets, list)
            or len(offsets) != 2
            or not all(isinstance(o, int) for o in offsets)
            or not 0 <= offsets[0] <= offsets[1] <= len(data)
        ):
            raise GradtapePolicyError(
                where + "tensor %r has data_offsets %r outside the %d data bytes" % (name, offsets, len(data))
            )
        code, size = _DTYPES[dtype]
        count = math.prod(shape)
        if offsets[1] - offsets[0] != count * size:
            raise GradtapePolicyError(
                where + "tensor %r: shape %r of %s needs %d bytes, data_offsets give %d"
                % (name, shape, dtype, count * size, offsets[1] - offsets[0])
            )
        values = array(code)
        values.frombytes(data[offsets[0] : offsets[1]])
        if sys.byteorder == "big":
            values.byteswap()
        tensors[name] = torch.tensor(values.tolist(), dtype=torch.float64).reshape(shape)
        spans.append((offsets[0], offsets[1], name))
    end = 0
    for begin, stop, name in sorted(spans):
        if begin != end:
            raise GradtapePolicyError(where + "tensor %r starts at byte %d of the data, not %d: a gap or an overlap" % (name, begin, end))
        end = stop
    if end != len(data):
        raise GradtapePolicyError(where + "the tensors cover %d of the %d data bytes" % (end, len(data)))
    if verify_checksum and CHECKSUM_KEY in metadata:
        actual = "%08x" % crc32c(data)
        if actual != metadata[CHECKSUM_KEY]:
            raise GradtapePolicyError(
                where + "the data's CRC32C is %s but %s says %s: the file is corrupt"
                % (actual, CHECKSUM_KEY, metadata[CHECKSUM_KEY])
            )
    return tensors, metadata


# ----------------------------------------------------------------------------- the architecture


class Architecture:
    """What the metadata says: layers, activation, sigma design, sigma floor, observation scale."""

    def __init__(self, layers, activation, sigma, sigma_floor, observation_scale):
        self.layers = list(layers)
        self.activation = activation
        self.sigma = sigma
        self.sigma_floor = sigma_floor
        self.observation_scale = None if observation_scale is None else list(observation_scale)

    def parameter_shapes(self):
        """{gradtape tensor name: shape}, in the order gradtape lists its parameters."""
        shapes = {}
        for i in range(1, len(self.layers) - 1):
            k = 2 * (i - 1)
            shapes["body.%d.kernel" % k] = [self.layers[i - 1], self.layers[i]]
            shapes["body.%d.bias" % k] = [self.layers[i]]
        features, actions = self.layers[-2], self.layers[-1]
        shapes["mu.kernel"] = [features, actions]
        shapes["mu.bias"] = [actions]
        if self.sigma == "log_std":
            shapes["logStd"] = [actions]
        else:
            shapes["sigma.kernel"] = [features, actions]
            shapes["sigma.bias"] = [actions]
        return shapes

    def __repr__(self):
        return "Architecture(layers=%s, activation=%s, sigma=%s, sigma_floor=%r, observation_scale=%s)" % (
            ",".join(map(str, self.layers)),
            self.activation,
            self.sigma,
            self.sigma_floor,
            "none" if self.observation_scale is None else ",".join(map(repr, self.observation_scale)),
        )


def _bad(key, value, expected):
    shown = "missing" if value is None else "%r" % (value,)
    return GradtapePolicyError("%s is %s; expected %s" % (key, shown, expected))


def _required(metadata, key):
    if key not in metadata:
        raise GradtapePolicyError(
            "the metadata has no %s; policy format version %s has all of %s"
            % (key, POLICY_FORMAT_VERSION, ", ".join(POLICY_KEYS))
        )
    return metadata[key]


def architecture_from_metadata(metadata):
    """Reads the policy_* strings of a checkpoint's metadata, checking each as gradtape does.

    Raises GradtapePolicyError naming the key if one is missing, unknown, of another
    version, or holds a value this loader does not understand.
    """
    fmt = metadata.get("policy_format")
    if fmt is None:
        raise GradtapePolicyError(
            "the metadata has no policy_format, so it records no policy architecture"
            " (was it written by PolicyCheckpoint.save?)"
        )
    if fmt != POLICY_FORMAT:
        raise _bad("policy_format", fmt, POLICY_FORMAT)
    version = metadata.get("policy_format_version")
    if version != POLICY_FORMAT_VERSION:
        raise _bad("policy_format_version", version, POLICY_FORMAT_VERSION + " (the version this loader reads)")
    for key in metadata:
        if key.startswith("policy_") and key not in POLICY_KEYS:
            raise GradtapePolicyError(
                "the metadata holds %s, which policy format version %s does not have (its keys: %s)"
                % (key, POLICY_FORMAT_VERSION, ", ".join(POLICY_KEYS))
            )
    layers_text = _required(metadata, "policy_layers")
    if not _WIDTHS.match(layers_text):
        raise _bad(
            "policy_layers",
            layers_text,
            "widths from 1 to %d separated by commas, at least three (observation, hidden..., action)" % MAX_WIDTH,
        )
    layers = [int(w) for w in layers_text.split(",")]
    if max(layers) > MAX_WIDTH:
        raise _bad("policy_layers", layers_text, "widths from 1 to %d" % MAX_WIDTH)
    activation = _required(metadata, "policy_activation")
    if activation not in ACTIVATIONS:
        raise _bad("policy_activation", activation, "one of " + ", ".join(ACTIVATIONS))
    sigma = _required(metadata, "policy_sigma")
    if sigma not in SIGMAS:
        raise _bad("policy_sigma", sigma, "one of " + ", ".join(SIGMAS))
    floor_text = _required(metadata, "policy_sigma_floor")
    floor = float(floor_text) if _NUMBER.match(floor_text) else math.nan
    if not (floor >= 0 and math.isfinite(floor)):
        raise _bad("policy_sigma_floor", floor_text, "a finite number >= 0, as 0.0")
    scale_text = _required(metadata, "policy_observation_scale")
    scale = None
    if scale_text != "none":
        parts = scale_text.split(",")
        scale = [float(p) if _NUMBER.match(p) else math.nan for p in parts]
        if not all(math.isfinite(f) for f in scale):
            raise _bad(
                "policy_observation_scale",
                scale_text,
                "none, or %d finite numbers separated by commas" % layers[0],
            )
        if len(scale) != layers[0]:
            raise _bad(
                "policy_observation_scale",
                scale_text,
                "one factor per observation element, %d as policy_layers says" % layers[0],
            )
    return Architecture(layers, activation, sigma, floor, scale)


# ----------------------------------------------------------------------------- the network


class Softplus(nn.Module):
    """softplus(x) = max(x, 0) + log1p(exp(-|x|)), as gradtape computes it.

    torch.nn.Softplus returns x itself above its threshold (20), which differs from
    log(1 + e^x) by up to 2e-9 there; this form is exact to rounding everywhere.
    """

    def forward(self, x):
        return torch.clamp(x, min=0) + torch.log1p(torch.exp(-torch.abs(x)))


def _activation(name):
    if name == "relu":
        return nn.ReLU()
    if name == "tanh":
        return nn.Tanh()
    if name == "sigmoid":
        return nn.Sigmoid()
    if name == "softplus":
        return Softplus()
    raise GradtapePolicyError("policy_activation %r; expected one of %s" % (name, ", ".join(ACTIVATIONS)))


class GaussianPolicy(nn.Module):
    """gradtape's GaussianPolicy as a torch module: forward(obs) -> (mu, sigma).

    obs has shape (batch, observations); mu and sigma have shape (batch, actions)
    (a state-independent sigma is expanded to it). Submodules: body (an nn.Sequential
    of Linear and activation modules, at gradtape's indices), mu (Linear), and sigma
    (Linear, softplus head) or the parameter log_std; the buffer observation_scale
    (absent when the metadata says none); the float sigma_floor.
    """

    def __init__(self, architecture):
        super().__init__()
        a = architecture
        self.architecture = a
        modules = []
        for i in range(1, len(a.layers) - 1):
            modules.append(nn.Linear(a.layers[i - 1], a.layers[i], dtype=torch.float64))
            modules.append(_activation(a.activation))
        self.body = nn.Sequential(*modules)
        features, actions = a.layers[-2], a.layers[-1]
        self.mu = nn.Linear(features, actions, dtype=torch.float64)
        if a.sigma == "log_std":
            self.log_std = nn.Parameter(torch.zeros(actions, dtype=torch.float64))
            self.sigma = None
        else:
            self.sigma = nn.Linear(features, actions, dtype=torch.float64)
            self.log_std = None
        self.softplus = Softplus()
        self.sigma_floor = a.sigma_floor
        if a.observation_scale is None:
            self.observation_scale = None
        else:
            self.register_buffer("observation_scale", torch.tensor(a.observation_scale, dtype=torch.float64))

    def forward(self, obs):
        if obs.dim() != 2 or obs.shape[1] != self.architecture.layers[0]:
            raise ValueError(
                "observations of shape %s; expected (batch, %d)" % (tuple(obs.shape), self.architecture.layers[0])
            )
        x = obs if self.observation_scale is None else obs * self.observation_scale
        features = self.body(x)
        mu = self.mu(features)
        if self.log_std is not None:
            sigma = torch.exp(self.log_std).expand_as(mu)
        else:
            sigma = self.softplus(self.sigma(features))
        if self.sigma_floor > 0:
            sigma = sigma + self.sigma_floor
        return mu, sigma

    def distribution(self, obs):
        """torch.distributions.Normal(mu, sigma) for a batch of observations."""
        mu, sigma = self(obs)
        return torch.distributions.Normal(mu, sigma)


def torch_name(gradtape_name):
    """The state_dict key of a gradtape tensor name: body.0.kernel -> body.0.weight, logStd -> log_std."""
    if gradtape_name == "logStd":
        return "log_std"
    if gradtape_name.endswith(".kernel"):
        return gradtape_name[: -len(".kernel")] + ".weight"
    return gradtape_name


def load_policy(path, verify_checksum=True):
    """Rebuilds the policy saved in `path` (a file name, or its bytes) by gradtape's PolicyCheckpoint, in float64.

    Reads the architecture from the metadata, checks that the file holds exactly the
    tensors it names (optimizer/ entries aside) with their shapes and finite values,
    and loads them (kernels transposed). Raises GradtapePolicyError, naming the file
    and the problem, for anything it does not understand.
    """
    tensors, metadata = read_safetensors(path, verify_checksum)
    where = "<%d bytes>: " % len(path) if isinstance(path, (bytes, bytearray, memoryview)) else "%s: " % (path,)
    fmt = metadata.get("format")
    if fmt != CHECKPOINT_FORMAT:
        raise GradtapePolicyError(where + str(_bad("format", fmt, CHECKPOINT_FORMAT)))
    version = metadata.get("format_version")
    if version not in CHECKPOINT_FORMAT_VERSIONS:
        raise GradtapePolicyError(
            where + str(_bad("format_version", version, " or ".join(CHECKPOINT_FORMAT_VERSIONS)))
        )
    if version == "2" and CHECKSUM_KEY not in metadata:
        raise GradtapePolicyError(where + "format_version 2 has %s in its metadata, and this file does not" % CHECKSUM_KEY)
    try:
        architecture = architecture_from_metadata(metadata)
    except GradtapePolicyError as e:
        raise GradtapePolicyError(where + str(e)) from None
    shapes = architecture.parameter_shapes()
    described = "policy_layers %s, policy_sigma %s" % (metadata["policy_layers"], architecture.sigma)
    for name, shape in shapes.items():
        if name not in tensors:
            raise GradtapePolicyError(
                where + "the architecture (%s) has tensor %r of shape %s, which the file lacks" % (described, name, shape)
            )
        if list(tensors[name].shape) != shape:
            raise GradtapePolicyError(
                where + "tensor %r has shape %s in the file, but the architecture (%s) gives it shape %s"
                % (name, list(tensors[name].shape), described, shape)
            )
        if not bool(torch.isfinite(tensors[name]).all()):
            raise GradtapePolicyError(where + "tensor %r holds a value that is not finite" % name)
    for name in tensors:
        if name not in shapes and not name.startswith(OPTIMIZER_PREFIX):
            raise GradtapePolicyError(
                where + "the file holds tensor %r, which the architecture (%s) does not have" % (name, described)
            )
    policy = GaussianPolicy(architecture)
    state = {}
    for name in shapes:
        t = tensors[name]
        state[torch_name(name)] = t.t().contiguous() if name.endswith(".kernel") else t
    if architecture.observation_scale is not None:
        state["observation_scale"] = policy.observation_scale
    policy.load_state_dict(state, strict=True)
    return policy


# ----------------------------------------------------------------------------- the command line


def _parse_number(token):
    return float.fromhex(token) if "x" in token.lower() else float(token)


def main(argv=None):
    parser = argparse.ArgumentParser(
        description="Load a gradtape policy.safetensors into PyTorch: print its architecture,"
        " or evaluate mu and sigma on observations."
    )
    parser.add_argument("policy", help="a policy.safetensors written by gradtape")
    parser.add_argument(
        "--evaluate",
        nargs=2,
        metavar=("OBSERVATIONS", "OUTPUT"),
        help="read one observation a line (numbers separated by spaces; decimal or"
        " float.hex), write a line 'mu... sigma...' for each (exact, as repr prints)",
    )
    args = parser.parse_args(argv)
    try:
        policy = load_policy(args.policy)
    except (GradtapePolicyError, OSError) as e:
        print("gradtape_policy: %s" % e, file=sys.stderr)
        return 2
    if args.evaluate is None:
        print(policy.architecture)
        print(policy)
        return 0
    observations_file, output_file = args.evaluate
    with open(observations_file) as f:
        rows = [[_parse_number(t) for t in line.split()] for line in f if line.strip()]
    obs = torch.tensor(rows, dtype=torch.float64)
    with torch.no_grad():
        mu, sigma = policy(obs)
    with open(output_file, "w") as f:
        for m, s in zip(mu.tolist(), sigma.tolist()):
            f.write(" ".join(repr(v) for v in m + s) + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
