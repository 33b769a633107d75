"""The peer of <mlp-trainer> for `npm run bench`: the same character MLP in PyTorch.

Same model (context 3, embedding 10, hidden 200 tanh, makemore's scaled
initialisation), same split sizes (80/10/10 of the names, shuffled by seed),
same recipes, validation on the whole validation split every `--eval-every`
steps. Prints one JSON object. Run with Debian's interpreter:
    /usr/bin/python3 scripts/bench/mlp_torch.py --names ../shared/data/makemore-names.txt
"""
import argparse
import json
import math
import random
import time

import torch
import torch.nn.functional as F


def build_examples(words, stoi, context):
    xs, ys = [], []
    for w in words:
        ctx = [0] * context
        for ch in w + '.':
            ix = stoi[ch]
            xs.append(ctx)
            ys.append(ix)
            ctx = ctx[1:] + [ix]
    return torch.tensor(xs), torch.tensor(ys)


def load(path, seed, context):
    words = [w.strip() for w in open(path, encoding='utf8') if w.strip()]
    chars = sorted(set(''.join(words)))
    stoi = {'.': 0, **{c: i + 1 for i, c in enumerate(chars)}}
    random.Random(seed).shuffle(words)
    n1, n2 = int(0.8 * len(words)), int(0.9 * len(words))
    return len(stoi), build_examples(words[:n1], stoi, context), build_examples(words[n1:n2], stoi, context)


def init(V, C, E, H, seed):
    g = torch.Generator().manual_seed(seed)
    params = [
        torch.randn((V, E), generator=g),
        torch.randn((C * E, H), generator=g) * (5 / 3) / math.sqrt(C * E),
        torch.randn(H, generator=g) * 0.01,
        torch.randn((H, V), generator=g) * 0.01,
        torch.zeros(V),
    ]
    for p in params:
        p.requires_grad = True
    return params


def forward(params, X):
    emb, w1, b1, w2, b2 = params
    h = torch.tanh(emb[X].view(X.shape[0], -1) @ w1 + b1)
    return h @ w2 + b2


def run(args, seed, batch, lr, target, strict=True, decay_at=None):
    """Trains until the whole-split validation loss is below `target` (at most it, if not `strict`), or a limit."""
    V, (Xtr, Ytr), (Xva, Yva) = load(args.names, seed, 3)
    params = init(V, 3, 10, 200, seed)
    opt = torch.optim.SGD(params, lr=lr)
    g = torch.Generator().manual_seed(seed + 1)
    t0 = time.perf_counter()
    val = None
    for step in range(1, args.max_steps + 1):
        if decay_at and step == decay_at:
            for group in opt.param_groups:
                group['lr'] = lr / 10
        ix = torch.randint(0, Xtr.shape[0], (batch,), generator=g)
        loss = F.cross_entropy(forward(params, Xtr[ix]), Ytr[ix])
        opt.zero_grad(set_to_none=True)
        loss.backward()
        opt.step()
        if step % args.eval_every == 0:
            with torch.no_grad():
                val = F.cross_entropy(forward(params, Xva), Yva).item()
            if val < target or (not strict and val <= target):
                return {'reached': True, 'seconds': round(time.perf_counter() - t0, 2), 'steps': step, 'valLoss': round(val, 4)}
            if time.perf_counter() - t0 > args.max_seconds:
                break
    return {'reached': False, 'seconds': round(time.perf_counter() - t0, 2), 'steps': step, 'valLoss': val and round(val, 4)}


def steps_per_second(args, batch, lr, steps=400):
    V, (Xtr, Ytr), _ = load(args.names, 1, 3)
    params = init(V, 3, 10, 200, 1)
    g = torch.Generator().manual_seed(2)
    def one():
        ix = torch.randint(0, Xtr.shape[0], (batch,), generator=g)
        loss = F.cross_entropy(forward(params, Xtr[ix]), Ytr[ix])
        for p in params:
            p.grad = None
        loss.backward()
        with torch.no_grad():
            for p in params:
                p -= lr * p.grad
    for _ in range(50):
        one()
    t0 = time.perf_counter()
    for _ in range(steps):
        one()
    return round(steps / (time.perf_counter() - t0), 1)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument('--names', required=True)
    ap.add_argument('--seeds', type=int, nargs='+', default=[1, 2, 3])
    ap.add_argument('--threads', type=int, default=2)
    ap.add_argument('--eval-every', type=int, default=50)
    ap.add_argument('--max-steps', type=int, default=40000)
    ap.add_argument('--max-seconds', type=float, default=120)
    ap.add_argument('--best', action='store_true', help='also time the best recipe to val <= 2.17')
    args = ap.parse_args()
    torch.set_num_threads(args.threads)
    out = {
        'torch': torch.__version__, 'threads': args.threads,
        'stepsPerSecond': {'batch32': steps_per_second(args, 32, 0.1), 'batch128': steps_per_second(args, 128, 0.3)},
        'toVal230': {'recipe': 'SGD, batch 128, lr 0.3', 'runs': [dict(seed=s, **run(args, s, 128, 0.3, 2.30)) for s in args.seeds]},
    }
    if args.best:
        out['toVal217'] = {
            'recipe': 'SGD, batch 256, lr 0.3, then 0.03 from step 6,000',
            'runs': [dict(seed=s, **run(args, s, 256, 0.3, 2.17, strict=False, decay_at=6000)) for s in args.seeds],
        }
    print(json.dumps(out))


if __name__ == '__main__':
    main()
