"""The schedulers of lr_scheduler_more (polynomial, cyclic, warm restarts, plateau,
sequential, chained): lr (and momentum) sequences against PyTorch's.

The sequences below were recorded once from PyTorch 2.13.0 (CPU) with
tests/optim/make_torch_reference_more.py and pasted here as literals (gradkit never imports
torch). Each entry is ``get_last_lr()`` (and the first group's momentum, or ``betas[0]``)
before each step of the loop ``optimizer.step(); scheduler.step()``, starting from
SGD(lr=0.1) unless said otherwise. The formulas are plain Python float arithmetic, so they
must agree exactly.
"""
from __future__ import annotations

import math
import warnings

import pytest

import gradkit as gk
from gradkit import optim
from gradkit.optim import lr_scheduler as S

# recorded from PyTorch 2.13.0+cpu (tests/optim/make_torch_reference_more.py)
TORCH_SEQUENCES = {
    'PolynomialLR': ([0.1, 0.08000000000000002, 0.060000000000000005, 0.04000000000000001, 0.02, 0.0, 0.0, 0.0],
        [0, 0, 0, 0, 0, 0, 0, 0]),
    'PolynomialLR_power2': ([0.1, 0.08100000000000002, 0.06400000000000002, 0.048999999999999995, 0.036000000000000004, 0.025000000000000005, 0.016000000000000007, 0.009000000000000008, 0.004, 0.001, 0.0, 0.0, 0.0, 0.0],
        [0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0]),
    'CyclicLR_triangular': ([0.01, 0.0325, 0.05500000000000001, 0.0775, 0.1, 0.0775, 0.05500000000000001, 0.0325, 0.01, 0.0325, 0.05500000000000001, 0.0775, 0.1, 0.0775, 0.05500000000000001, 0.0325, 0.01, 0.0325, 0.05500000000000001, 0.0775, 0.1, 0.0775, 0.05500000000000001, 0.0325, 0.01, 0.0325, 0.05500000000000001, 0.0775, 0.1, 0.0775],
        [0.9, 0.875, 0.8500000000000001, 0.8250000000000001, 0.8, 0.8250000000000001, 0.8500000000000001, 0.875, 0.9, 0.875, 0.8500000000000001, 0.8250000000000001, 0.8, 0.8250000000000001, 0.8500000000000001, 0.875, 0.9, 0.875, 0.8500000000000001, 0.8250000000000001, 0.8, 0.8250000000000001, 0.8500000000000001, 0.875, 0.9, 0.875, 0.8500000000000001, 0.8250000000000001, 0.8, 0.8250000000000001]),
    'CyclicLR_triangular2': ([0.01, 0.04, 0.07, 0.1, 0.082, 0.064, 0.046000000000000006, 0.028000000000000004, 0.01, 0.025, 0.04, 0.05500000000000001, 0.046000000000000006, 0.037000000000000005, 0.028000000000000004, 0.019000000000000003, 0.01, 0.0175, 0.025, 0.0325, 0.028000000000000004, 0.0235, 0.019000000000000003, 0.0145, 0.01, 0.01375, 0.0175, 0.02125, 0.019000000000000003, 0.01675],
        [0.9, 0.8666666666666667, 0.8333333333333334, 0.8, 0.8200000000000001, 0.8400000000000001, 0.86, 0.88, 0.9, 0.8833333333333333, 0.8666666666666667, 0.8500000000000001, 0.86, 0.87, 0.88, 0.89, 0.9, 0.8916666666666667, 0.8833333333333333, 0.875, 0.88, 0.885, 0.89, 0.895, 0.9, 0.8958333333333334, 0.8916666666666667, 0.8875000000000001, 0.89, 0.8925000000000001]),
    'CyclicLR_exp_range_adam': ([0.001, 0.0027100000000000015, 0.004248999999999999, 0.005629825000000001, 0.0068644449999999985, 0.0079640284375, 0.0062926616124999975, 0.0047710213989062495, 0.003388313552640624, 0.002134448937504298, 0.001, 0.0020238401660976285, 0.002945296315585494, 0.003772047249709325, 0.004511259849631812, 0.005169621071437778, 0.00416891201429271, 0.0032578498101835554, 0.0024299715464495874, 0.0016792364845635537, 0.001, 0.0016130109273186073, 0.0021647207619053537, 0.0026597270857151266, 0.0031023209752391607, 0.003496506158096504, 0.002897344680153342, 0.0023518580846092563, 0.0018561767869191967, 0.0014066839737866183],
        [0.9, 0.881, 0.8639, 0.8485575000000001, 0.8348395000000001, 0.8226219062500001, 0.8411926487500001, 0.858099762234375, 0.8734631827484376, 0.8873950118055078, 0.9, 0.8886239981544708, 0.8783855964934946, 0.8691994750032298, 0.8609860016707577, 0.8536708769840248, 0.8647898665078588, 0.8749127798868495, 0.8841114272616712, 0.8924529279492939, 0.9, 0.8931887674742377, 0.8870586582010517, 0.8815585879364987, 0.8766408780528983, 0.8722610426878167, 0.8789183924427406, 0.8849793546154527, 0.8904869245897867, 0.8954812891801487]),
    'CyclicLR_scale_fn_no_momentum': ([0.02, 0.065, 0.08, 0.049999999999999996, 0.032, 0.02, 0.03285714285714287, 0.042499999999999996, 0.03333333333333333, 0.026000000000000006, 0.02, 0.027500000000000007, 0.033846153846153845, 0.02857142857142857, 0.024000000000000004, 0.02, 0.025294117647058828, 0.029999999999999995, 0.026315789473684216, 0.023000000000000003, 0.02, 0.024090909090909097, 0.027826086956521737, 0.025000000000000005, 0.022400000000000003, 0.02, 0.023333333333333338, 0.026428571428571426, 0.024137931034482765, 0.022000000000000002],
        [0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0]),
    'CosineAnnealingWarmRestarts': ([0.1, 0.08535533905932738, 0.05, 0.014644660940672627, 0.1, 0.08535533905932738, 0.05, 0.014644660940672627, 0.1, 0.08535533905932738, 0.05, 0.014644660940672627, 0.1, 0.08535533905932738, 0.05, 0.014644660940672627, 0.1, 0.08535533905932738, 0.05, 0.014644660940672627, 0.1, 0.08535533905932738, 0.05, 0.014644660940672627, 0.1, 0.08535533905932738, 0.05, 0.014644660940672627, 0.1, 0.08535533905932738],
        [0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0]),
    'CosineAnnealingWarmRestarts_mult': ([0.1, 0.07525000000000001, 0.025750000000000012, 0.1, 0.09336825748732973, 0.07525000000000001, 0.0505, 0.025750000000000012, 0.007631742512670284, 0.1, 0.09831332840130888, 0.09336825748732973, 0.0855017856687341, 0.07525000000000001, 0.06331154273257478, 0.0505, 0.03768845726742523, 0.025750000000000012, 0.0154982143312659, 0.007631742512670284, 0.0026866715986911243, 0.1, 0.09957652063800362, 0.09831332840130888, 0.0962320368593087, 0.09336825748732973, 0.08977099034441614, 0.0855017856687341, 0.08063369073593167, 0.07525000000000001],
        [0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0]),
    'SequentialLR': ([0.010000000000000002, 0.03250000000000001, 0.055000000000000014, 0.07750000000000003, 0.10000000000000003, 0.1, 0.09000000000000001, 0.08100000000000002, 0.07290000000000002, 0.06561000000000002, 0.05904900000000002, 0.05314410000000002, 0.04782969000000002, 0.043046721000000024, 0.03874204890000002, 0.03486784401000002, 0.03138105960900001, 0.028242953648100012, 0.025418658283290013, 0.022876792454961013, 0.020589113209464913, 0.01853020188851842, 0.01667718169966658, 0.015009463529699923, 0.013508517176729932, 0.01215766545905694, 0.010941898913151246, 0.009847709021836121, 0.00886293811965251, 0.007976644307687259],
        [0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0]),
    'SequentialLR_three': ([0.05, 0.05, 0.1, 0.1, 0.09397114317029975, 0.07750000000000001, 0.055000000000000014, 0.032500000000000015, 0.01602885682970026, 0.01, 0.1, 0.1, 0.1, 0.05, 0.05, 0.05, 0.025, 0.025, 0.025, 0.0125, 0.0125, 0.0125, 0.00625, 0.00625, 0.00625, 0.003125, 0.003125, 0.003125, 0.0015625, 0.0015625],
        [0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0]),
    'ChainedScheduler': ([0.010000000000000002, 0.009000000000000003, 0.08100000000000003, 0.07290000000000003, 0.06561000000000003, 0.059049000000000025, 0.05314410000000002, 0.04782969000000002, 0.043046721000000024, 0.03874204890000002, 0.03486784401000002, 0.03138105960900001, 0.028242953648100012, 0.025418658283290013, 0.022876792454961013, 0.020589113209464913, 0.01853020188851842, 0.01667718169966658, 0.015009463529699923, 0.013508517176729932, 0.01215766545905694, 0.010941898913151246, 0.009847709021836121, 0.00886293811965251, 0.007976644307687259, 0.007178979876918534, 0.006461081889226681, 0.005814973700304013, 0.005233476330273611, 0.00471012869724625],
        [0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0]),
    'ChainedScheduler_warmup_cosine': ([0.020000000000000004, 0.03538666487320324, 0.048516660498395425, 0.05804163056034264, 0.06300000000000003, 0.06294095225512607, 0.050000000000000024, 0.03705904774487399, 0.025000000000000022, 0.014644660940672634, 0.006698729810778068, 0.0017037086855465908, 0.0, 0.0017037086855465845, 0.00669872981077806, 0.014644660940672606, 0.024999999999999977, 0.037059047744873966, 0.04999999999999999, 0.06294095225512601, 0.075, 0.08535533905932736, 0.09330127018922191, 0.0982962913144534, 0.09999999999999999, 0.0982962913144534, 0.09330127018922192, 0.08535533905932736, 0.07500000000000001, 0.06294095225512603],
        [0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0]),
    'LinearLR_decay': ([0.1, 0.09620000000000001, 0.09240000000000001, 0.08860000000000001, 0.08480000000000001, 0.08100000000000002, 0.07720000000000002, 0.07340000000000002, 0.06960000000000002, 0.06580000000000003, 0.06200000000000002, 0.05820000000000002, 0.054400000000000025, 0.05060000000000003, 0.04680000000000002, 0.043000000000000024, 0.039200000000000026, 0.03540000000000003, 0.031600000000000024, 0.027800000000000023, 0.024000000000000018, 0.020200000000000017, 0.016400000000000015, 0.012600000000000014, 0.008800000000000013, 0.005000000000000012, 0.005000000000000012, 0.005000000000000012, 0.005000000000000012, 0.005000000000000012],
        [0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0]),
    'LinearLR_long_warmup': ([0.001, 0.0059499999999999996, 0.0109, 0.01585, 0.0208, 0.02575, 0.030699999999999998, 0.03565, 0.040600000000000004, 0.04555, 0.0505, 0.055450000000000006, 0.06040000000000001, 0.06535000000000002, 0.07030000000000002, 0.07525000000000003, 0.08020000000000002, 0.08515000000000002, 0.09010000000000003, 0.09505000000000002, 0.10000000000000003, 0.10000000000000003, 0.10000000000000003, 0.10000000000000003, 0.10000000000000003, 0.10000000000000003, 0.10000000000000003, 0.10000000000000003, 0.10000000000000003, 0.10000000000000003],
        [0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0]),
    'ConstantLR_long': ([0.025, 0.025, 0.025, 0.025, 0.025, 0.025, 0.025, 0.025, 0.025, 0.025, 0.025, 0.025, 0.025, 0.025, 0.025, 0.025, 0.025, 0.1, 0.1, 0.1, 0.1, 0.1, 0.1, 0.1, 0.1, 0.1, 0.1, 0.1, 0.1, 0.1],
        [0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0]),
}
TORCH_TWO_GROUPS = {
    'CyclicLR_lists': [[0.01, 0.02], [0.040000000000000015, 0.11333333333333337], [0.06999999999999999, 0.2066666666666666], [0.1, 0.3], [0.07000000000000003, 0.20666666666666672], [0.03999999999999998, 0.11333333333333324], [0.01, 0.02], [0.040000000000000056, 0.1133333333333335], [0.06999999999999995, 0.20666666666666647], [0.1, 0.3], [0.06999999999999995, 0.20666666666666647], [0.040000000000000056, 0.1133333333333335], [0.01, 0.02], [0.03999999999999998, 0.11333333333333324], [0.07000000000000003, 0.20666666666666672], [0.1, 0.3], [0.07000000000000003, 0.20666666666666672], [0.03999999999999998, 0.11333333333333324], [0.01, 0.02], [0.0399999999999999, 0.113333333333333], [0.07000000000000012, 0.20666666666666697], [0.1, 0.3], [0.07000000000000012, 0.20666666666666697], [0.0399999999999999, 0.113333333333333], [0.01, 0.02], [0.040000000000000056, 0.1133333333333335], [0.06999999999999995, 0.20666666666666647], [0.1, 0.3], [0.06999999999999995, 0.20666666666666647], [0.040000000000000056, 0.1133333333333335]],
    'CosineAnnealingWarmRestarts': [[0.1, 0.2], [0.09140576474687263, 0.18185661446562001], [0.06890576474687264, 0.13435661446562], [0.04109423525312737, 0.07564338553437999], [0.01859423525312737, 0.028143385534380005], [0.1, 0.2], [0.09140576474687263, 0.18185661446562001], [0.06890576474687264, 0.13435661446562], [0.04109423525312737, 0.07564338553437999], [0.01859423525312737, 0.028143385534380005], [0.1, 0.2], [0.09140576474687263, 0.18185661446562001], [0.06890576474687264, 0.13435661446562], [0.04109423525312737, 0.07564338553437999], [0.01859423525312737, 0.028143385534380005], [0.1, 0.2], [0.09140576474687263, 0.18185661446562001], [0.06890576474687264, 0.13435661446562], [0.04109423525312737, 0.07564338553437999], [0.01859423525312737, 0.028143385534380005], [0.1, 0.2], [0.09140576474687263, 0.18185661446562001], [0.06890576474687264, 0.13435661446562], [0.04109423525312737, 0.07564338553437999], [0.01859423525312737, 0.028143385534380005], [0.1, 0.2], [0.09140576474687263, 0.18185661446562001], [0.06890576474687264, 0.13435661446562], [0.04109423525312737, 0.07564338553437999], [0.01859423525312737, 0.028143385534380005]],
    'PolynomialLR': [[0.1, 0.2], [0.09746794344808964, 0.19493588689617927], [0.09486832980505137, 0.18973665961010275], [0.09219544457292886, 0.18439088914585772], [0.08944271909999159, 0.17888543819998318], [0.08660254037844387, 0.17320508075688773], [0.08366600265340755, 0.1673320053068151], [0.0806225774829855, 0.161245154965971], [0.07745966692414834, 0.15491933384829668], [0.07416198487095663, 0.14832396974191325], [0.07071067811865475, 0.1414213562373095], [0.0670820393249937, 0.1341640786499874], [0.0632455532033676, 0.1264911064067352], [0.05916079783099617, 0.11832159566199234], [0.05477225575051662, 0.10954451150103324], [0.05, 0.1], [0.04472135954999579, 0.08944271909999157], [0.03872983346207417, 0.07745966692414834], [0.03162277660168379, 0.06324555320336758], [0.022360679774997907, 0.044721359549995815], [0.0, 0.0], [0.0, 0.0], [0.0, 0.0], [0.0, 0.0], [0.0, 0.0], [0.0, 0.0], [0.0, 0.0], [0.0, 0.0], [0.0, 0.0], [0.0, 0.0]],
    'LinearLR': [[0.05, 0.1], [0.04666666666666667, 0.09333333333333334], [0.043333333333333335, 0.08666666666666667], [0.04, 0.08], [0.03666666666666667, 0.07333333333333333], [0.03333333333333333, 0.06666666666666667], [0.03, 0.06], [0.026666666666666665, 0.05333333333333333], [0.02333333333333333, 0.04666666666666666], [0.019999999999999997, 0.039999999999999994], [0.016666666666666663, 0.033333333333333326], [0.01333333333333333, 0.02666666666666666], [0.009999999999999998, 0.019999999999999997], [0.009999999999999998, 0.019999999999999997], [0.009999999999999998, 0.019999999999999997], [0.009999999999999998, 0.019999999999999997], [0.009999999999999998, 0.019999999999999997], [0.009999999999999998, 0.019999999999999997], [0.009999999999999998, 0.019999999999999997], [0.009999999999999998, 0.019999999999999997], [0.009999999999999998, 0.019999999999999997], [0.009999999999999998, 0.019999999999999997], [0.009999999999999998, 0.019999999999999997], [0.009999999999999998, 0.019999999999999997], [0.009999999999999998, 0.019999999999999997], [0.009999999999999998, 0.019999999999999997], [0.009999999999999998, 0.019999999999999997], [0.009999999999999998, 0.019999999999999997], [0.009999999999999998, 0.019999999999999997], [0.009999999999999998, 0.019999999999999997]],
    'SequentialLR_warmup_constant': [[0.010000000000000002, 0.020000000000000004], [0.028000000000000004, 0.05600000000000001], [0.046000000000000006, 0.09200000000000001], [0.064, 0.128], [0.082, 0.164], [0.1, 0.2], [0.05, 0.1], [0.05, 0.1], [0.05, 0.1], [0.05, 0.1], [0.05, 0.1], [0.05, 0.1], [0.05, 0.1], [0.05, 0.1], [0.05, 0.1], [0.05, 0.1], [0.1, 0.2], [0.1, 0.2], [0.1, 0.2], [0.1, 0.2], [0.1, 0.2], [0.1, 0.2], [0.1, 0.2], [0.1, 0.2], [0.1, 0.2], [0.1, 0.2], [0.1, 0.2], [0.1, 0.2], [0.1, 0.2], [0.1, 0.2]],
}
TORCH_POLYNOMIAL_CLOSED_FORM = [0.003703703703703705, 0.02962962962962964, 0.0, 0.0, 0.1]
TORCH_WARM_RESTARTS_FRACTIONAL = [0.1, 0.09638427779428613, 0.086087572106361, 0.07067746303734178, 0.0525, 0.03432253696265824, 0.018912427893638995, 0.00861572220571388, 0.1, 0.099593630915256, 0.09838147674873074, 0.09638427779428613, 0.09363620667976084, 0.09018428366383367, 0.086087572106361, 0.08141616787791424, 0.07625000000000001, 0.07067746303734178, 0.06479390464236974, 0.05869999413045246, 0.0525, 0.04630000586954755, 0.04020609535763027, 0.034322536962658245, 0.02875000000000001, 0.02358383212208577, 0.018912427893638995, 0.014815716336166334, 0.011363793320239162, 0.00861572220571388, 0.00661852325126926, 0.005406369084744007, 0.1, 0.09995479052513825, 0.09981924815935792, 0.099593630915256, 0.0992783682680799, 0.09887406033819685, 0.09838147674873074, 0.09780155516054077, 0.09713539948733066, 0.09638427779428613, 0.09554961988424088, 0.09463301457596553, 0.09363620667976084, 0.09256109367611208, 0.09140972210372712, 0.09018428366383369]
TORCH_PLATEAU = {
    'min_rel': [0.1, 0.1, 0.1, 0.1, 0.010000000000000002, 0.010000000000000002, 0.010000000000000002, 0.0010000000000000002, 0.0010000000000000002, 0.0010000000000000002, 0.0010000000000000002, 0.00010000000000000003, 0.00010000000000000003, 0.00010000000000000003, 0.00010000000000000003, 0.00010000000000000003, 1.0000000000000004e-05, 1.0000000000000004e-05, 1.0000000000000004e-05, 1.0000000000000004e-06, 1.0000000000000004e-06, 1.0000000000000004e-06, 1.0000000000000005e-07, 1.0000000000000005e-07, 1.0000000000000005e-07, 1.0000000000000005e-07, 1.0000000000000005e-07, 1.0000000000000005e-07, 1.0000000000000005e-08, 1.0000000000000005e-08],
    'min_abs_cooldown': [0.1, 0.1, 0.1, 0.05, 0.05, 0.05, 0.05, 0.025, 0.025, 0.025, 0.025, 0.0125, 0.0125, 0.0125, 0.0125, 0.00625, 0.00625, 0.00625, 0.00625, 0.003125, 0.003125, 0.003125, 0.003125, 0.0015625, 0.0015625, 0.0015625, 0.0015625, 0.00078125, 0.00078125, 0.00078125],
    'max_rel_min_lr': [0.1, 0.05, 0.025, 0.02, 0.02, 0.02, 0.02, 0.02, 0.02, 0.02, 0.02, 0.02, 0.02, 0.02, 0.02, 0.02, 0.02, 0.02, 0.02, 0.02, 0.02, 0.02, 0.02, 0.02, 0.02, 0.02, 0.02, 0.02, 0.02, 0.02],
    'max_abs_two_groups': [[0.1, 0.2], [0.1, 0.2], [0.03, 0.06], [0.03, 0.06], [0.01, 0.05], [0.01, 0.05], [0.01, 0.05], [0.01, 0.05], [0.01, 0.05], [0.01, 0.05], [0.01, 0.05], [0.01, 0.05], [0.01, 0.05], [0.01, 0.05], [0.01, 0.05], [0.01, 0.05], [0.01, 0.05], [0.01, 0.05], [0.01, 0.05], [0.01, 0.05], [0.01, 0.05], [0.01, 0.05], [0.01, 0.05], [0.01, 0.05], [0.01, 0.05], [0.01, 0.05], [0.01, 0.05], [0.01, 0.05], [0.01, 0.05], [0.01, 0.05]],
}


SCHEDULERS = {
    "PolynomialLR": (optim.SGD, {}, lambda o: S.PolynomialLR(o)),
    "PolynomialLR_power2": (optim.SGD, {}, lambda o: S.PolynomialLR(o, total_iters=10, power=2.0)),
    "CyclicLR_triangular": (optim.SGD, {"momentum": 0.9},
                            lambda o: S.CyclicLR(o, base_lr=0.01, max_lr=0.1, step_size_up=4)),
    "CyclicLR_triangular2": (optim.SGD, {"momentum": 0.9}, lambda o: S.CyclicLR(
        o, base_lr=0.01, max_lr=0.1, step_size_up=3, step_size_down=5, mode="triangular2")),
    "CyclicLR_exp_range_adam": (optim.Adam, {}, lambda o: S.CyclicLR(
        o, base_lr=0.001, max_lr=0.01, step_size_up=5, mode="exp_range", gamma=0.95)),
    "CyclicLR_scale_fn_no_momentum": (optim.SGD, {}, lambda o: S.CyclicLR(
        o, base_lr=0.02, max_lr=0.2, step_size_up=2, step_size_down=3, scale_fn=lambda x: 1 / (1 + x),
        scale_mode="iterations", cycle_momentum=False)),
    "CosineAnnealingWarmRestarts": (optim.SGD, {}, lambda o: S.CosineAnnealingWarmRestarts(o, T_0=4)),
    "CosineAnnealingWarmRestarts_mult": (optim.SGD, {}, lambda o: S.CosineAnnealingWarmRestarts(
        o, T_0=3, T_mult=2, eta_min=0.001)),
    "SequentialLR": (optim.SGD, {}, lambda o: S.SequentialLR(
        o, [S.LinearLR(o, start_factor=0.1, total_iters=4), S.ExponentialLR(o, gamma=0.9)], milestones=[5])),
    "SequentialLR_three": (optim.SGD, {}, lambda o: S.SequentialLR(
        o, [S.ConstantLR(o, factor=0.5, total_iters=2), S.CosineAnnealingLR(o, T_max=6, eta_min=0.01),
            S.StepLR(o, step_size=3, gamma=0.5)], milestones=[3, 10])),
    "ChainedScheduler": (optim.SGD, {}, lambda o: S.ChainedScheduler(
        [S.ConstantLR(o, factor=0.1, total_iters=2), S.ExponentialLR(o, gamma=0.9)])),
    "ChainedScheduler_warmup_cosine": (optim.SGD, {}, lambda o: S.ChainedScheduler(
        [S.LinearLR(o, start_factor=0.2, total_iters=5), S.CosineAnnealingLR(o, T_max=12)], optimizer=o)),
    "LinearLR_decay": (optim.SGD, {}, lambda o: S.LinearLR(o, start_factor=1.0, end_factor=0.05, total_iters=25)),
    "LinearLR_long_warmup": (optim.SGD, {}, lambda o: S.LinearLR(o, start_factor=0.01, total_iters=20)),
    "ConstantLR_long": (optim.SGD, {}, lambda o: S.ConstantLR(o, factor=0.25, total_iters=17)),
}

TWO_GROUPS = {
    "CyclicLR_lists": ({"momentum": 0.9}, lambda o: S.CyclicLR(
        o, base_lr=[0.01, 0.02], max_lr=[0.1, 0.3], step_size_up=3, base_momentum=[0.8, 0.7],
        max_momentum=[0.9, 0.95])),
    "CosineAnnealingWarmRestarts": ({}, lambda o: S.CosineAnnealingWarmRestarts(o, T_0=5, eta_min=0.01)),
    "PolynomialLR": ({}, lambda o: S.PolynomialLR(o, total_iters=20, power=0.5)),
    "LinearLR": ({}, lambda o: S.LinearLR(o, start_factor=0.5, end_factor=0.1, total_iters=12)),
    "SequentialLR_warmup_constant": ({}, lambda o: S.SequentialLR(
        o, [S.LinearLR(o, start_factor=0.1, total_iters=5), S.ConstantLR(o, factor=0.5, total_iters=10)],
        milestones=[6])),
}

METRICS = [1.0, 0.9, 0.95, 0.95, 0.89999, 0.91, 0.92, 0.93, 0.5, 0.6, 0.7, 0.8, 0.9, 0.4, 0.41, 0.42, 0.43, 0.44,
           0.45, 0.46, 0.47, 0.48, 0.49, 0.5, 0.51, 0.3, 0.31, 0.32, 0.33, 0.34]
PLATEAU = {
    "min_rel": dict(patience=2),
    "min_abs_cooldown": dict(patience=1, threshold=0.05, threshold_mode="abs", cooldown=2, factor=0.5),
    "max_rel_min_lr": dict(mode="max", patience=0, factor=0.5, min_lr=0.02),
    "max_abs_two_groups": dict(mode="max", patience=1, threshold=0.01, threshold_mode="abs", factor=0.3,
                               min_lr=[0.01, 0.05]),
}


def _optimizer(cls=optim.SGD, groups=1, device="cpu", **kwargs):
    params = [{"params": [gk.zeros(1, device=device, requires_grad=True)], "lr": 0.1 * (i + 1)} for i in range(groups)]
    return cls(params, lr=0.1, **kwargs)


def _sequence(opt, sched, steps):
    lrs, moms = [], []
    for _ in range(steps):
        lrs.append(sched.get_last_lr()[0])
        g = opt.param_groups[0]
        moms.append(g["betas"][0] if "betas" in g else g.get("momentum"))
        opt.step()
        sched.step()
    return lrs, moms


@pytest.mark.parametrize("name", list(SCHEDULERS))
def test_sequence_matches_torch(name):
    cls, opt_kwargs, make = SCHEDULERS[name]
    opt = _optimizer(cls, **opt_kwargs)
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # PyTorch warns about nothing on this loop
        lrs, moms = _sequence(opt, make(opt), len(TORCH_SEQUENCES[name][0]))
    assert lrs == TORCH_SEQUENCES[name][0]
    assert moms == TORCH_SEQUENCES[name][1]


@pytest.mark.parametrize("name", list(TWO_GROUPS))
def test_two_groups_match_torch(name):
    opt_kwargs, make = TWO_GROUPS[name]
    opt = _optimizer(groups=2, **opt_kwargs)
    sched = make(opt)
    lrs = []
    for _ in range(len(TORCH_TWO_GROUPS[name])):
        lrs.append(sched.get_last_lr())
        opt.step()
        sched.step()
    assert lrs == TORCH_TWO_GROUPS[name]


def test_polynomial_closed_form_with_epoch_argument():
    opt = _optimizer()
    sched = S.PolynomialLR(opt, total_iters=6, power=3.0)
    closed = []
    for epoch in (4, 2, 9, 6, 0):
        opt.step()
        with pytest.warns(UserWarning, match="The epoch parameter"):
            sched.step(epoch)
        closed.append(sched.get_last_lr()[0])
    assert closed == TORCH_POLYNOMIAL_CLOSED_FORM


def test_constant_factor_zero_fails_at_total_iters_as_in_torch():
    """PyTorch accepts factor=0 and then divides by it when the constant phase ends."""
    opt = _optimizer()
    sched = S.ConstantLR(opt, factor=0.0, total_iters=4)
    for _ in range(3):
        opt.step()
        sched.step()
        assert sched.get_last_lr() == [0.0]
    with pytest.raises(ZeroDivisionError):
        sched.step()


def test_warm_restarts_with_fractional_epochs():
    opt = _optimizer()
    sched = S.CosineAnnealingWarmRestarts(opt, T_0=2, T_mult=3, eta_min=0.005)
    lrs = []
    for epoch in range(12):
        for i in range(4):
            opt.step()
            sched.step(epoch + i / 4)
            lrs.append(sched.get_last_lr()[0])
    assert lrs == TORCH_WARM_RESTARTS_FRACTIONAL
    assert sched.last_epoch == 11


@pytest.mark.parametrize("name", list(PLATEAU))
def test_plateau_matches_torch(name):
    groups = 2 if "two_groups" in name else 1
    opt = _optimizer(groups=groups)
    sched = S.ReduceLROnPlateau(opt, **PLATEAU[name])
    lrs = []
    for m in METRICS:
        opt.step()
        sched.step(gk.tensor(m) if name == "min_rel" else m)
        lrs.append(sched.get_last_lr() if groups > 1 else sched.get_last_lr()[0])
    assert lrs == TORCH_PLATEAU[name]
    assert [g["lr"] for g in opt.param_groups] == (lrs[-1] if groups > 1 else [lrs[-1]])


def test_plateau_drives_the_update(device):
    w = gk.zeros(1, device=device, requires_grad=True)
    opt = optim.SGD([w], lr=1.0)
    sched = S.ReduceLROnPlateau(opt, patience=0, factor=0.5)
    total = 0.0
    for metric, lr in ((1.0, 1.0), (2.0, 1.0), (2.0, 0.5)):
        w.grad = gk.ones(1, device=device)
        opt.step()
        total -= lr
        assert w.tolist() == [total]
        sched.step(gk.tensor(metric, device=device))
    assert sched.get_last_lr() == [0.25]


def _run(sched, opt, steps):
    for _ in range(steps):
        opt.step()
        sched.step()
    return sched.get_last_lr()


STATE_CASES = {
    "CyclicLR_triangular2": lambda o: S.CyclicLR(o, base_lr=0.01, max_lr=0.1, step_size_up=3, step_size_down=5,
                                                 mode="triangular2"),
    "CosineAnnealingWarmRestarts_mult": lambda o: S.CosineAnnealingWarmRestarts(o, T_0=3, T_mult=2, eta_min=0.001),
    "SequentialLR_three": SCHEDULERS["SequentialLR_three"][2],
    "ChainedScheduler_warmup_cosine": SCHEDULERS["ChainedScheduler_warmup_cosine"][2],
    "PolynomialLR_power2": SCHEDULERS["PolynomialLR_power2"][2],
}


@pytest.mark.parametrize("name", list(STATE_CASES))
def test_state_dict_resumes_the_sequence(name):
    """A scheduler rebuilt on a fresh optimizer and loaded from another's state_dict goes
    on with PyTorch's sequence."""
    kwargs = {"momentum": 0.9} if name.startswith("Cyclic") else {}
    opt = _optimizer(**kwargs)
    sched = STATE_CASES[name](opt)
    _run(sched, opt, 7)
    sd = sched.state_dict()
    assert "optimizer" not in sd
    keys = set(sd)

    opt2 = _optimizer(**kwargs)
    sched2 = STATE_CASES[name](opt2)
    opt2.load_state_dict(opt.state_dict())
    sched2.load_state_dict(sd)
    assert sched2.get_last_lr() == sched.get_last_lr()
    expected = TORCH_SEQUENCES[name][0]
    lrs = [_run(sched2, opt2, 1)[0] for _ in range(len(expected) - 8)]
    assert lrs == expected[8:]
    assert set(sched2.state_dict()) == keys


def test_plateau_state_dict():
    opt = _optimizer()
    sched = S.ReduceLROnPlateau(opt, mode="max", patience=0, factor=0.5, min_lr=0.02)
    for m in METRICS[:10]:
        sched.step(m)
    sd = sched.state_dict()
    assert sd["best"] == 1.0 and sd["mode_worse"] == -math.inf and "optimizer" not in sd

    opt2 = _optimizer()
    opt2.load_state_dict(opt.state_dict())
    sched2 = S.ReduceLROnPlateau(opt2)
    sched2.load_state_dict(sd)
    for m in METRICS[10:]:
        sched2.step(m)
    assert sched2.get_last_lr() == [TORCH_PLATEAU["max_rel_min_lr"][-1]]


def test_cyclic_state_dict_keeps_callable_objects_only():
    class Scale:
        def __init__(self):
            self.calls = 0

        def __call__(self, x):
            self.calls += 1
            return 1.0

    opt = _optimizer(momentum=0.9)
    scale = Scale()
    sched = S.CyclicLR(opt, base_lr=0.01, max_lr=0.1, scale_fn=scale)
    # the initial step scales the lr and the momentum: two calls, as in PyTorch
    assert scale.calls == 2
    sd = sched.state_dict()
    assert sd["_scale_fn_custom"] == {"calls": 2} and "_scale_fn_ref" not in sd
    scale.calls = 10
    sched.load_state_dict(sd)
    assert scale.calls == 2
    # unlike PyTorch's CyclicLR (whose load_state_dict drops this key from the caller's
    # dict), the dict given is left as it was, as every other scheduler leaves it
    assert sd["_scale_fn_custom"] == {"calls": 2}

    sched = S.CyclicLR(_optimizer(momentum=0.9), base_lr=0.01, max_lr=0.1, scale_fn=lambda x: 1.0)
    assert sched.state_dict()["_scale_fn_custom"] is None
    sd = S.CyclicLR(_optimizer(momentum=0.9), base_lr=0.01, max_lr=0.1, mode="exp_range").state_dict()
    assert "_scale_fn_ref" not in sd


def test_sequential_resets_to_the_initial_lr():
    opt = _optimizer()
    first = S.ExponentialLR(opt, gamma=0.5)
    second = S.StepLR(opt, step_size=1, gamma=0.1)
    sched = S.SequentialLR(opt, [first, second], milestones=[2])
    assert sched.get_last_lr() == [0.1]
    assert (first.last_epoch, second.last_epoch) == (0, -1)


def test_epoch_argument_warns_for_plateau():
    sched = S.ReduceLROnPlateau(_optimizer())
    with pytest.warns(UserWarning, match="The epoch parameter"):
        sched.step(1.0, epoch=4)
    assert sched.last_epoch == 4


def test_errors_match_torch():
    opt = _optimizer()
    with pytest.raises(ValueError, match=r"^Factor should be < 1.0.$"):
        S.ReduceLROnPlateau(opt, factor=1.0)
    with pytest.raises(TypeError, match="^object is not an Optimizer$"):
        S.ReduceLROnPlateau(object())
    with pytest.raises(ValueError, match="^mode middle is unknown!$"):
        S.ReduceLROnPlateau(opt, mode="middle")
    with pytest.raises(ValueError, match="^threshold mode both is unknown!$"):
        S.ReduceLROnPlateau(opt, threshold_mode="both")
    with pytest.raises(ValueError, match="^expected 1 min_lrs, got 2$"):
        S.ReduceLROnPlateau(opt, min_lr=[0.1, 0.2])

    with pytest.raises(ValueError, match="^Expected positive integer T_0, but got 0$"):
        S.CosineAnnealingWarmRestarts(opt, T_0=0)
    with pytest.raises(ValueError, match="^Expected positive integer T_0, but got 2.0$"):
        S.CosineAnnealingWarmRestarts(opt, T_0=2.0)
    with pytest.raises(ValueError, match="^Expected integer T_mult >= 1, but got 0$"):
        S.CosineAnnealingWarmRestarts(opt, T_0=2, T_mult=0)
    with pytest.raises(ValueError, match="^Expected float or int eta_min, but got 1e-3 of type <class 'str'>$"):
        S.CosineAnnealingWarmRestarts(opt, T_0=2, eta_min="1e-3")
    with pytest.raises(ValueError, match="^Expected non-negative epoch, but got -1$"):
        S.CosineAnnealingWarmRestarts(opt, T_0=2).step(-1)

    with pytest.raises(ValueError, match="^mode is invalid and scale_fn is None$"):
        S.CyclicLR(opt, base_lr=0.01, max_lr=0.1, mode="square")
    with pytest.raises(ValueError, match="optimizer must support momentum or beta1"):
        S.CyclicLR(optim.Adagrad([gk.zeros(1, requires_grad=True)]), base_lr=0.01, max_lr=0.1)
    with pytest.raises(ValueError, match="^max_lr must have the same length as optimizer.param_groups. max_lr has "
                                         "3 values, param_groups has 1.$"):
        S.CyclicLR(opt, base_lr=0.01, max_lr=[0.1, 0.2, 0.3])

    with pytest.raises(ValueError, match="^SequentialLR expects at least one scheduler, but got no scheduler.$"):
        S.SequentialLR(opt, [], milestones=[])
    with pytest.raises(ValueError, match="number of schedulers 2 and the number of milestones to be equal to 0"):
        S.SequentialLR(opt, [S.StepLR(opt, 2), S.StepLR(opt, 3)], milestones=[])
    with pytest.raises(ValueError, match="^ChainedScheduler expects at least one scheduler to be chained"):
        S.ChainedScheduler([])
    with pytest.raises(TypeError, match="^ChainedScheduler at index 1 should have `optimizer` as its attribute.$"):
        S.ChainedScheduler([S.StepLR(opt, 2), object()])
    with pytest.raises(ValueError, match="^SequentialLR does not support `ReduceLROnPlateau` scheduler as it "
                                         "requires additional kwargs to be specified when calling `step`, but got "
                                         "one at index 0 in the given schedulers sequence.$"):
        S.SequentialLR(opt, [S.ReduceLROnPlateau(opt)], milestones=[])
    other = _optimizer()
    with pytest.raises(ValueError, match="^ChainedScheduler expects all schedulers to belong to the same "
                                         "optimizer, but got scheduler StepLR at index 1 has "):
        S.ChainedScheduler([S.StepLR(opt, 2), S.StepLR(other, 2)])


def test_linear_and_constant_errors_match_torch():
    opt = _optimizer()
    for factor in (1.5, -0.1):
        with pytest.raises(ValueError, match="^Constant multiplicative factor expected to be between 0 and 1.$"):
            S.ConstantLR(opt, factor=factor)
    for start in (0, 1.2):
        with pytest.raises(ValueError, match="^Starting multiplicative factor expected to be greater than 0 and less "
                                             "or equal to 1.$"):
            S.LinearLR(opt, start_factor=start)
    with pytest.raises(ValueError, match="^Ending multiplicative factor expected to be between 0 and 1.$"):
        S.LinearLR(opt, end_factor=1.5)
    with pytest.raises(ValueError, match="^base_momentum must have the same length as optimizer.param_groups. "
                                         "base_momentum has 2 values, param_groups has 1.$"):
        S.CyclicLR(_optimizer(), 0.01, 0.1, base_momentum=[0.1, 0.2])
    with pytest.raises(ValueError, match="^could not convert string to float: 'abc'$"):
        S.ReduceLROnPlateau(opt).step("abc")


def test_plateau_min_lrs_after_a_new_group():
    opt = _optimizer()
    sched = S.ReduceLROnPlateau(opt, patience=0, min_lr=[0.05])
    opt.add_param_group({"params": [gk.zeros(1, requires_grad=True)], "lr": 0.2})
    sched.step(1.0)
    with pytest.raises(RuntimeError, match=r"The number of param groups in the `optimizer` \(2\) differs from when "
                                           r"`ReduceLROnPlateau` was initialized \(1\)"):
        sched.step(2.0)
    sched = S.ReduceLROnPlateau(opt, patience=0, min_lr=0.15)
    opt.add_param_group({"params": [gk.zeros(1, requires_grad=True)], "lr": 0.4})
    sched.step(1.0)
    sched.step(2.0)
    assert sched.get_last_lr() == [0.1, 0.15, 0.15]


def test_schedulers_are_lr_schedulers():
    opt = _optimizer(momentum=0.9)
    for sched in (S.PolynomialLR(opt), S.CyclicLR(opt, 0.01, 0.1), S.CosineAnnealingWarmRestarts(opt, 3),
                  S.ReduceLROnPlateau(opt), S.ChainedScheduler([S.StepLR(opt, 2)]),
                  S.SequentialLR(opt, [S.StepLR(opt, 2)], milestones=[])):
        assert isinstance(sched, S.LRScheduler)
    assert set(S.__all__) >= {"PolynomialLR", "CyclicLR", "CosineAnnealingWarmRestarts", "ReduceLROnPlateau",
                              "SequentialLR", "ChainedScheduler", "LinearLR", "ConstantLR"}
