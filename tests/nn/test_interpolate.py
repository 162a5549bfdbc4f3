"""F.interpolate in every mode, the upsample functions and layers, pixel_shuffle: PyTorch's
values, gradients and node names (recorded from PyTorch 2.13), float64 gradient checks of
first and second order on each device, and PyTorch's errors."""
from __future__ import annotations


import numpy as np
import pytest

import gradkit
import gradkit.nn.functional as F
from gradkit import nn
from helpers import check_grads, host


def pattern(shape, device="cpu", dtype=gradkit.float64):
    """Deterministic test values in [0, 1.2]: integer arithmetic, so every library builds the
    same numbers (a float modulus would not: values near its period fall either side)."""
    n = 1
    for s in shape:
        n *= s
    return ((gradkit.arange(n).reshape(shape) * 7 % 13).to(dtype) * 0.1).to(device)


def weights(n, step, dtype=gradkit.float64):
    return gradkit.arange(n, dtype=dtype) * step % 1.0 + 0.5


def centred(shape):
    return (pattern(shape) - 0.6)


# (mode, input shape, align_corners, size/scale keywords, antialias, output shape, sum(y*w), sum(y*y),
#  sum(grad*v), grad_fn name), recorded from PyTorch 2.13 in float64
CASES = [
    ('nearest', (1, 2, 5), None, {'size': (10,)}, False, (1, 2, 10), 10.899333565612, 8.9, 17.795095185962, 'UpsampleNearest1DBackward0'),
    ('nearest', (1, 2, 5), None, {'size': (3,)}, False, (1, 2, 3), 3.117878707749, 2.19, 4.718253929981, 'UpsampleNearest1DBackward0'),
    ('nearest', (1, 2, 5), None, {'size': (8,)}, False, (1, 2, 8), 8.452549156242, 6.64, 13.728217392326, 'UpsampleNearest1DBackward0'),
    ('nearest', (1, 2, 5), None, {'scale_factor': 1.7}, False, (1, 2, 8), 8.360095307867, 6.85, 14.423265707329, 'UpsampleNearest1DBackward0'),
    ('nearest', (1, 2, 5), None, {'scale_factor': 0.6}, False, (1, 2, 3), 3.117878707749, 2.19, 4.718253929981, 'UpsampleNearest1DBackward0'),
    ('nearest', (1, 2, 5), None, {'scale_factor': 2.5, 'recompute_scale_factor': True}, False, (1, 2, 12), 13.08481707598, 10.72, 21.95059011334, 'UpsampleNearest1DBackward0'),
    ('nearest', (1, 2, 5), None, {'scale_factor': (1.5,)}, False, (1, 2, 7), 6.756961684493, 6.27, 13.396587903618, 'UpsampleNearest1DBackward0'),
    ('nearest', (1, 2, 4, 5), None, {'size': (8, 10)}, False, (1, 2, 8, 10), 94.381373486692, 78.0, 158.492855625737, 'UpsampleNearest2DBackward0'),
    ('nearest', (1, 2, 4, 5), None, {'size': (2, 3)}, False, (1, 2, 2, 3), 7.599068313995, 6.08, 12.074468773402, 'UpsampleNearest2DBackward0'),
    ('nearest', (1, 2, 4, 5), None, {'size': (7, 8)}, False, (1, 2, 7, 8), 63.185707054991, 52.45, 111.041313894647, 'UpsampleNearest2DBackward0'),
    ('nearest', (1, 2, 4, 5), None, {'scale_factor': 1.7}, False, (1, 2, 6, 8), 57.064910579464, 46.52, 93.767462950165, 'UpsampleNearest2DBackward0'),
    ('nearest', (1, 2, 4, 5), None, {'scale_factor': 0.6}, False, (1, 2, 2, 3), 6.145934690622, 3.97, 12.021479734698, 'UpsampleNearest2DBackward0'),
    ('nearest', (1, 2, 4, 5), None, {'scale_factor': 2.5, 'recompute_scale_factor': True}, False, (1, 2, 10, 12), 141.703181686506, 117.36, 239.340278243299, 'UpsampleNearest2DBackward0'),
    ('nearest', (1, 2, 4, 5), None, {'scale_factor': (1.5, 0.75)}, False, (1, 2, 6, 3), 20.823928056083, 18.06, 33.862635187635, 'UpsampleNearest2DBackward0'),
    ('nearest', (1, 1, 3, 4, 5), None, {'size': (6, 8, 10)}, False, (1, 1, 6, 8, 10), 285.64059992678, 232.64, 472.864248793146, 'UpsampleNearest3DBackward0'),
    ('nearest', (1, 1, 3, 4, 5), None, {'size': (1, 2, 3)}, False, (1, 1, 1, 2, 3), 3.215092303249, 2.82, 5.045451540593, 'UpsampleNearest3DBackward0'),
    ('nearest', (1, 1, 3, 4, 5), None, {'size': (6, 7, 8)}, False, (1, 1, 6, 7, 8), 193.948379863986, 160.12, 328.826797309064, 'UpsampleNearest3DBackward0'),
    ('nearest', (1, 1, 3, 4, 5), None, {'scale_factor': 1.7}, False, (1, 1, 5, 6, 8), 141.212341222733, 115.42, 239.228897546389, 'UpsampleNearest3DBackward0'),
    ('nearest', (1, 1, 3, 4, 5), None, {'scale_factor': 0.6}, False, (1, 1, 1, 2, 3), 3.117878707749, 2.19, 4.718253929981, 'UpsampleNearest3DBackward0'),
    ('nearest', (1, 1, 3, 4, 5), None, {'scale_factor': 2.5, 'recompute_scale_factor': True}, False, (1, 1, 7, 10, 12), 484.063942102226, 398.08, 823.056864845158, 'UpsampleNearest3DBackward0'),
    ('nearest', (1, 1, 3, 4, 5), None, {'scale_factor': (1.5, 0.75, 2.0)}, False, (1, 1, 4, 3, 10), 69.445694435059, 57.28, 117.733482437978, 'UpsampleNearest3DBackward0'),
    ('nearest-exact', (1, 2, 5), None, {'size': (10,)}, False, (1, 2, 10), 10.899333565612, 8.9, 17.795095185962, 'UpsampleNearestExact1DBackward0'),
    ('nearest-exact', (1, 2, 5), None, {'size': (3,)}, False, (1, 2, 3), 3.099031657124, 3.07, 6.023205614978, 'UpsampleNearestExact1DBackward0'),
    ('nearest-exact', (1, 2, 5), None, {'size': (8,)}, False, (1, 2, 8), 8.630760420116, 7.52, 15.643072447317, 'UpsampleNearestExact1DBackward0'),
    ('nearest-exact', (1, 2, 5), None, {'scale_factor': 1.7}, False, (1, 2, 8), 8.548949689866, 7.07, 14.741373009823, 'UpsampleNearestExact1DBackward0'),
    ('nearest-exact', (1, 2, 5), None, {'scale_factor': 0.6}, False, (1, 2, 3), 3.099031657124, 3.07, 6.023205614978, 'UpsampleNearestExact1DBackward0'),
    ('nearest-exact', (1, 2, 5), None, {'scale_factor': 2.5, 'recompute_scale_factor': True}, False, (1, 2, 12), 12.741358227857, 10.28, 20.240833370833, 'UpsampleNearestExact1DBackward0'),
    ('nearest-exact', (1, 2, 5), None, {'scale_factor': (1.5,)}, False, (1, 2, 7), 6.574493173369, 5.83, 11.527777509865, 'UpsampleNearestExact1DBackward0'),
    ('nearest-exact', (1, 2, 4, 5), None, {'size': (8, 10)}, False, (1, 2, 8, 10), 94.381373486692, 78.0, 158.492855625737, 'UpsampleNearestExact2DBackward0'),
    ('nearest-exact', (1, 2, 4, 5), None, {'size': (2, 3)}, False, (1, 2, 2, 3), 7.328247920746, 7.3, 11.724572133321, 'UpsampleNearestExact2DBackward0'),
    ('nearest-exact', (1, 2, 4, 5), None, {'size': (7, 8)}, False, (1, 2, 7, 8), 62.922652754596, 54.5, 112.290359596934, 'UpsampleNearestExact2DBackward0'),
    ('nearest-exact', (1, 2, 4, 5), None, {'scale_factor': 1.7}, False, (1, 2, 6, 8), 53.018154173453, 45.78, 97.291030311423, 'UpsampleNearestExact2DBackward0'),
    ('nearest-exact', (1, 2, 4, 5), None, {'scale_factor': 0.6}, False, (1, 2, 2, 3), 6.718573145496, 5.09, 12.287697704642, 'UpsampleNearestExact2DBackward0'),
    ('nearest-exact', (1, 2, 4, 5), None, {'scale_factor': 2.5, 'recompute_scale_factor': True}, False, (1, 2, 10, 12), 139.842836391232, 113.78, 239.920770719146, 'UpsampleNearestExact2DBackward0'),
    ('nearest-exact', (1, 2, 4, 5), None, {'scale_factor': (1.5, 0.75)}, False, (1, 2, 6, 3), 21.608369909831, 18.25, 37.237030647293, 'UpsampleNearestExact2DBackward0'),
    ('nearest-exact', (1, 1, 3, 4, 5), None, {'size': (6, 8, 10)}, False, (1, 1, 6, 8, 10), 285.64059992678, 232.64, 472.864248793146, 'UpsampleNearestExact3DBackward0'),
    ('nearest-exact', (1, 1, 3, 4, 5), None, {'size': (1, 2, 3)}, False, (1, 1, 1, 2, 3), 4.327553482999, 4.14, 4.474195350516, 'UpsampleNearestExact3DBackward0'),
    ('nearest-exact', (1, 1, 3, 4, 5), None, {'size': (6, 7, 8)}, False, (1, 1, 6, 7, 8), 196.515240350595, 166.26, 329.430120324719, 'UpsampleNearestExact3DBackward0'),
    ('nearest-exact', (1, 1, 3, 4, 5), None, {'scale_factor': 1.7}, False, (1, 1, 5, 6, 8), 133.880877711357, 109.57, 232.272661952299, 'UpsampleNearestExact3DBackward0'),
    ('nearest-exact', (1, 1, 3, 4, 5), None, {'scale_factor': 0.6}, False, (1, 1, 1, 2, 3), 1.932468511124, 1.15, 5.76023328184, 'UpsampleNearestExact3DBackward0'),
    ('nearest-exact', (1, 1, 3, 4, 5), None, {'scale_factor': 2.5, 'recompute_scale_factor': True}, False, (1, 1, 7, 10, 12), 493.546171804519, 402.5, 831.804290018004, 'UpsampleNearestExact3DBackward0'),
    ('nearest-exact', (1, 1, 3, 4, 5), None, {'scale_factor': (1.5, 0.75, 2.0)}, False, (1, 1, 4, 3, 10), 71.068278926034, 62.04, 117.983048489503, 'UpsampleNearestExact3DBackward0'),
    ('area', (1, 2, 7), None, {'size': (14,)}, False, (1, 2, 14), 15.613064996726, 13.0, 27.201106912936, 'SqueezeBackward1'),
    ('area', (1, 2, 7), None, {'size': (5,)}, False, (1, 2, 5), 5.929106633476, 3.903055555556, 9.857074378865, 'SqueezeBackward1'),
    ('area', (1, 2, 7), None, {'size': (10,)}, False, (1, 2, 10), 10.63588571455, 8.5025, 19.302179580219, 'SqueezeBackward1'),
    ('area', (1, 2, 7), None, {'scale_factor': 1.7}, False, (1, 2, 11), 12.307866388548, 8.5125, 22.558121000755, 'SqueezeBackward1'),
    ('area', (1, 2, 7), None, {'scale_factor': 0.6}, False, (1, 2, 4), 4.298025215123, 2.780277777778, 7.330716471609, 'SqueezeBackward1'),
    ('area', (1, 2, 7), None, {'scale_factor': 2.5, 'recompute_scale_factor': True}, False, (1, 2, 17), 19.018049011838, 15.0025, 32.74497259004, 'SqueezeBackward1'),
    ('area', (1, 2, 7), None, {'scale_factor': (1.5,)}, False, (1, 2, 10), 10.63588571455, 8.5025, 19.302179580219, 'SqueezeBackward1'),
    ('area', (1, 2, 5, 7), None, {'size': (10, 14)}, False, (1, 2, 10, 14), 163.394750237592, 134.72, 277.369712775587, 'AdaptiveAvgPool2DBackward0'),
    ('area', (1, 2, 5, 7), None, {'size': (3, 5)}, False, (1, 2, 3, 5), 18.170791164386, 11.07237654321, 30.340106817219, 'AdaptiveAvgPool2DBackward0'),
    ('area', (1, 2, 5, 7), None, {'size': (8, 10)}, False, (1, 2, 8, 10), 93.551192185542, 64.28125, 158.324470026594, 'AdaptiveAvgPool2DBackward0'),
    ('area', (1, 2, 5, 7), None, {'scale_factor': 1.7}, False, (1, 2, 8, 11), 105.41258322307, 73.55375, 175.751166580142, 'AdaptiveAvgPool2DBackward0'),
    ('area', (1, 2, 5, 7), None, {'scale_factor': 0.6}, False, (1, 2, 3, 4), 14.278520951072, 9.046018518519, 23.58610241289, 'AdaptiveAvgPool2DBackward0'),
    ('area', (1, 2, 5, 7), None, {'scale_factor': 2.5, 'recompute_scale_factor': True}, False, (1, 2, 12, 17), 233.659130059266, 168.64375, 404.225237204164, 'AdaptiveAvgPool2DBackward0'),
    ('area', (1, 2, 5, 7), None, {'scale_factor': (1.5, 0.75)}, False, (1, 2, 7, 5), 40.216805120645, 24.523819444444, 69.776404919491, 'AdaptiveAvgPool2DBackward0'),
    ('area', (1, 1, 3, 4, 5), None, {'size': (6, 8, 10)}, False, (1, 1, 6, 8, 10), 285.64059992678, 232.64, 472.864248793146, 'AdaptiveAvgPool3DBackward0'),
    ('area', (1, 1, 3, 4, 5), None, {'size': (1, 2, 3)}, False, (1, 1, 1, 2, 3), 3.128726406711, 2.035223765432, 5.138222520732, 'AdaptiveAvgPool3DBackward0'),
    ('area', (1, 1, 3, 4, 5), None, {'size': (6, 7, 8)}, False, (1, 1, 6, 7, 8), 194.121113266387, 135.03875, 332.082855203413, 'AdaptiveAvgPool3DBackward0'),
    ('area', (1, 1, 3, 4, 5), None, {'scale_factor': 1.7}, False, (1, 1, 5, 6, 8), 139.32044727827, 94.06640625, 237.413554243467, 'AdaptiveAvgPool3DBackward0'),
    ('area', (1, 1, 3, 4, 5), None, {'scale_factor': 0.6}, False, (1, 1, 1, 2, 3), 3.128726406711, 2.035223765432, 5.138222520732, 'AdaptiveAvgPool3DBackward0'),
    ('area', (1, 1, 3, 4, 5), None, {'scale_factor': 2.5, 'recompute_scale_factor': True}, False, (1, 1, 7, 10, 12), 494.606988890405, 352.21203125, 826.58312425899, 'AdaptiveAvgPool3DBackward0'),
    ('area', (1, 1, 3, 4, 5), None, {'scale_factor': (1.5, 0.75, 2.0)}, False, (1, 1, 4, 3, 10), 69.422900699185, 45.4375, 119.124228298922, 'AdaptiveAvgPool3DBackward0'),
    ('linear', (1, 2, 5), False, {'size': (10,)}, False, (1, 2, 10), 10.887530166737, 7.625, 17.918450733775, 'UpsampleLinear1DBackward0'),
    ('linear', (1, 2, 5), False, {'size': (3,)}, False, (1, 2, 3), 2.954385205832, 2.465555555556, 5.639047000812, 'UpsampleLinear1DBackward0'),
    ('linear', (1, 2, 5), False, {'size': (8,)}, False, (1, 2, 8), 8.665597890374, 6.179296875, 14.544075028335, 'UpsampleLinear1DBackward0'),
    ('linear', (1, 2, 5), False, {'scale_factor': 1.7}, False, (1, 2, 8), 8.576164833654, 5.968676470588, 14.460993920301, 'UpsampleLinear1DBackward0'),
    ('linear', (1, 2, 5), False, {'scale_factor': 0.6}, False, (1, 2, 3), 2.954385205832, 2.465555555556, 5.639047000812, 'UpsampleLinear1DBackward0'),
    ('linear', (1, 2, 5), False, {'scale_factor': 2.5, 'recompute_scale_factor': True}, False, (1, 2, 12), 13.21955843958, 9.286979166667, 21.300075013852, 'UpsampleLinear1DBackward0'),
    ('linear', (1, 2, 5), False, {'scale_factor': (1.5,)}, False, (1, 2, 7), 6.878459629306, 5.152777777778, 12.432126058825, 'UpsampleLinear1DBackward0'),
    ('linear', (1, 2, 5), True, {'size': (10,)}, False, (1, 2, 10), 10.907890712973, 7.485185185185, 17.794709387214, 'UpsampleLinear1DBackward0'),
    ('linear', (1, 2, 5), True, {'size': (3,)}, False, (1, 2, 3), 3.099031657124, 3.07, 6.023205614978, 'UpsampleLinear1DBackward0'),
    ('linear', (1, 2, 5), True, {'size': (8,)}, False, (1, 2, 8), 8.668526307063, 6.068571428571, 14.550305272677, 'UpsampleLinear1DBackward0'),
    ('linear', (1, 2, 5), True, {'scale_factor': 1.7}, False, (1, 2, 8), 8.668526307063, 6.068571428571, 14.550305272677, 'UpsampleLinear1DBackward0'),
    ('linear', (1, 2, 5), True, {'scale_factor': 0.6}, False, (1, 2, 3), 3.099031657124, 3.07, 6.023205614978, 'UpsampleLinear1DBackward0'),
    ('linear', (1, 2, 5), True, {'scale_factor': 2.5, 'recompute_scale_factor': True}, False, (1, 2, 12), 13.139947183368, 8.905454545455, 21.288962175834, 'UpsampleLinear1DBackward0'),
    ('linear', (1, 2, 5), True, {'scale_factor': (1.5,)}, False, (1, 2, 7), 6.831768304369, 5.514444444444, 12.571507378613, 'UpsampleLinear1DBackward0'),
    ('bilinear', (1, 2, 4, 5), False, {'size': (8, 10)}, False, (1, 2, 8, 10), 93.603219371504, 63.47484375, 159.38238647873, 'UpsampleBilinear2DBackward0'),
    ('bilinear', (1, 2, 4, 5), False, {'size': (2, 3)}, False, (1, 2, 2, 3), 7.024339334621, 4.524166666667, 11.955309638149, 'UpsampleBilinear2DBackward0'),
    ('bilinear', (1, 2, 4, 5), False, {'size': (7, 8)}, False, (1, 2, 7, 8), 64.48640958008, 45.263758968431, 112.405620108782, 'UpsampleBilinear2DBackward0'),
    ('bilinear', (1, 2, 4, 5), False, {'scale_factor': 1.7}, False, (1, 2, 6, 8), 55.190991724036, 37.831251167371, 95.640616080796, 'UpsampleBilinear2DBackward0'),
    ('bilinear', (1, 2, 4, 5), False, {'scale_factor': 0.6}, False, (1, 2, 2, 3), 7.153471734774, 4.446543209877, 12.188879538801, 'UpsampleBilinear2DBackward0'),
    ('bilinear', (1, 2, 4, 5), False, {'scale_factor': 2.5, 'recompute_scale_factor': True}, False, (1, 2, 10, 12), 140.81133436427, 96.754013194444, 239.171488239974, 'UpsampleBilinear2DBackward0'),
    ('bilinear', (1, 2, 4, 5), False, {'scale_factor': (1.5, 0.75)}, False, (1, 2, 6, 3), 20.383461932667, 13.667106481481, 36.264224619905, 'UpsampleBilinear2DBackward0'),
    ('bilinear', (1, 2, 4, 5), True, {'size': (8, 10)}, False, (1, 2, 8, 10), 93.600992125352, 63.020493827161, 160.264382428733, 'UpsampleBilinear2DBackward0'),
    ('bilinear', (1, 2, 4, 5), True, {'size': (2, 3)}, False, (1, 2, 2, 3), 6.60104165662, 6.49, 11.750516799596, 'UpsampleBilinear2DBackward0'),
    ('bilinear', (1, 2, 4, 5), True, {'size': (7, 8)}, False, (1, 2, 7, 8), 64.75662618144, 45.130510204082, 112.884448570873, 'UpsampleBilinear2DBackward0'),
    ('bilinear', (1, 2, 4, 5), True, {'scale_factor': 1.7}, False, (1, 2, 6, 8), 55.470947311887, 38.331020408163, 96.355656147803, 'UpsampleBilinear2DBackward0'),
    ('bilinear', (1, 2, 4, 5), True, {'scale_factor': 0.6}, False, (1, 2, 2, 3), 6.60104165662, 6.49, 11.750516799596, 'UpsampleBilinear2DBackward0'),
    ('bilinear', (1, 2, 4, 5), True, {'scale_factor': 2.5, 'recompute_scale_factor': True}, False, (1, 2, 10, 12), 140.905943737322, 94.42, 240.772005536373, 'UpsampleBilinear2DBackward0'),
    ('bilinear', (1, 2, 4, 5), True, {'scale_factor': (1.5, 0.75)}, False, (1, 2, 6, 3), 20.906312460683, 16.978, 36.112160208875, 'UpsampleBilinear2DBackward0'),
    ('bicubic', (1, 2, 4, 5), False, {'size': (8, 10)}, False, (1, 2, 8, 10), 93.568154359399, 70.61555324371, 159.667314113176, 'UpsampleBicubic2DBackward0'),
    ('bicubic', (1, 2, 4, 5), False, {'size': (2, 3)}, False, (1, 2, 2, 3), 6.997956132057, 4.516155156893, 11.993145021845, 'UpsampleBicubic2DBackward0'),
    ('bicubic', (1, 2, 4, 5), False, {'size': (7, 8)}, False, (1, 2, 7, 8), 64.453270241601, 49.683209469159, 112.242776149696, 'UpsampleBicubic2DBackward0'),
    ('bicubic', (1, 2, 4, 5), False, {'scale_factor': 1.7}, False, (1, 2, 6, 8), 54.762677995936, 40.524246860691, 96.139603763139, 'UpsampleBicubic2DBackward0'),
    ('bicubic', (1, 2, 4, 5), False, {'scale_factor': 0.6}, False, (1, 2, 2, 3), 7.217397675817, 4.535301863236, 12.187409862812, 'UpsampleBicubic2DBackward0'),
    ('bicubic', (1, 2, 4, 5), False, {'scale_factor': 2.5, 'recompute_scale_factor': True}, False, (1, 2, 10, 12), 141.128217671997, 106.007671930091, 239.365631770918, 'UpsampleBicubic2DBackward0'),
    ('bicubic', (1, 2, 4, 5), False, {'scale_factor': (1.5, 0.75)}, False, (1, 2, 6, 3), 20.360496012538, 14.807239311599, 36.298297029196, 'UpsampleBicubic2DBackward0'),
    ('bicubic', (1, 2, 4, 5), True, {'size': (8, 10)}, False, (1, 2, 8, 10), 93.315592503076, 67.063855102185, 160.894034733912, 'UpsampleBicubic2DBackward0'),
    ('bicubic', (1, 2, 4, 5), True, {'size': (2, 3)}, False, (1, 2, 2, 3), 6.60104165662, 6.49, 11.750516799596, 'UpsampleBicubic2DBackward0'),
    ('bicubic', (1, 2, 4, 5), True, {'size': (7, 8)}, False, (1, 2, 7, 8), 64.519033790939, 47.514207433815, 113.050074479673, 'UpsampleBicubic2DBackward0'),
    ('bicubic', (1, 2, 4, 5), True, {'scale_factor': 1.7}, False, (1, 2, 6, 8), 55.190836776887, 40.914554844229, 96.720129456726, 'UpsampleBicubic2DBackward0'),
    ('bicubic', (1, 2, 4, 5), True, {'scale_factor': 0.6}, False, (1, 2, 2, 3), 6.60104165662, 6.49, 11.750516799596, 'UpsampleBicubic2DBackward0'),
    ('bicubic', (1, 2, 4, 5), True, {'scale_factor': 2.5, 'recompute_scale_factor': True}, False, (1, 2, 10, 12), 140.674128994448, 99.732202371472, 241.442669909507, 'UpsampleBicubic2DBackward0'),
    ('bicubic', (1, 2, 4, 5), True, {'scale_factor': (1.5, 0.75)}, False, (1, 2, 6, 3), 21.160912177529, 17.7510568, 36.35707945311, 'UpsampleBicubic2DBackward0'),
    ('trilinear', (1, 1, 3, 4, 5), False, {'size': (6, 8, 10)}, False, (1, 1, 6, 8, 10), 282.213544647039, 181.3291015625, 472.670277294982, 'UpsampleTrilinear3DBackward0'),
    ('trilinear', (1, 1, 3, 4, 5), False, {'size': (1, 2, 3)}, False, (1, 1, 1, 2, 3), 3.738453960541, 2.924722222222, 4.941047505107, 'UpsampleTrilinear3DBackward0'),
    ('trilinear', (1, 1, 3, 4, 5), False, {'size': (6, 7, 8)}, False, (1, 1, 6, 7, 8), 195.411317508199, 128.800749461894, 330.432735049578, 'UpsampleTrilinear3DBackward0'),
    ('trilinear', (1, 1, 3, 4, 5), False, {'scale_factor': 1.7}, False, (1, 1, 5, 6, 8), 139.662573393734, 91.209598110801, 236.944882860111, 'UpsampleTrilinear3DBackward0'),
    ('trilinear', (1, 1, 3, 4, 5), False, {'scale_factor': 0.6}, False, (1, 1, 1, 2, 3), 3.021527935795, 1.911056241427, 5.435479819899, 'UpsampleTrilinear3DBackward0'),
    ('trilinear', (1, 1, 3, 4, 5), False, {'scale_factor': 2.5, 'recompute_scale_factor': True}, False, (1, 1, 7, 10, 12), 494.41871905891, 324.610983740788, 826.306708571485, 'UpsampleTrilinear3DBackward0'),
    ('trilinear', (1, 1, 3, 4, 5), False, {'scale_factor': (1.5, 0.75, 2.0)}, False, (1, 1, 4, 3, 10), 69.699393757168, 44.838945794753, 117.335742152934, 'UpsampleTrilinear3DBackward0'),
    ('trilinear', (1, 1, 3, 4, 5), True, {'size': (6, 8, 10)}, False, (1, 1, 6, 8, 10), 282.081695517192, 181.086507432603, 477.879104105803, 'UpsampleTrilinear3DBackward0'),
    ('trilinear', (1, 1, 3, 4, 5), True, {'size': (1, 2, 3)}, False, (1, 1, 1, 2, 3), 0.765905365125, 0.19, 5.497260948703, 'UpsampleTrilinear3DBackward0'),
    ('trilinear', (1, 1, 3, 4, 5), True, {'size': (6, 7, 8)}, False, (1, 1, 6, 7, 8), 196.215300918685, 129.184, 334.074523534277, 'UpsampleTrilinear3DBackward0'),
    ('trilinear', (1, 1, 3, 4, 5), True, {'scale_factor': 1.7}, False, (1, 1, 5, 6, 8), 140.622557455315, 92.72147755102, 238.314064196044, 'UpsampleTrilinear3DBackward0'),
    ('trilinear', (1, 1, 3, 4, 5), True, {'scale_factor': 0.6}, False, (1, 1, 1, 2, 3), 0.765905365125, 0.19, 5.497260948703, 'UpsampleTrilinear3DBackward0'),
    ('trilinear', (1, 1, 3, 4, 5), True, {'scale_factor': 2.5, 'recompute_scale_factor': True}, False, (1, 1, 7, 10, 12), 493.167373659275, 317.661087644118, 839.604532014469, 'UpsampleTrilinear3DBackward0'),
    ('trilinear', (1, 1, 3, 4, 5), True, {'scale_factor': (1.5, 0.75, 2.0)}, False, (1, 1, 4, 3, 10), 69.522619516064, 46.046659807956, 115.559134241236, 'UpsampleTrilinear3DBackward0'),
    ('bilinear', (1, 2, 9, 11), False, {'size': (4, 3)}, True, (1, 2, 4, 3), 14.310888852732, 8.681819869843, 23.707213660682, 'UpsampleBilinear2DAaBackward0'),
    ('bilinear', (1, 2, 9, 11), False, {'scale_factor': 0.4}, True, (1, 2, 3, 4), 13.925735974938, 8.789604539677, 23.58408989812, 'UpsampleBilinear2DAaBackward0'),
    ('bilinear', (1, 1, 8, 8), False, {'size': (3, 5)}, True, (1, 1, 3, 5), 8.606921091931, 5.458651411838, 14.398956605161, 'UpsampleBilinear2DAaBackward0'),
    ('bilinear', (1, 1, 4, 5), False, {'size': (7, 9)}, True, (1, 1, 7, 9), 33.112462513507, 21.971164021164, 61.686745959839, 'UpsampleBilinear2DAaBackward0'),
    ('bilinear', (2, 1, 12, 7), False, {'scale_factor': (0.3, 0.5)}, True, (2, 1, 3, 3), 10.638881120706, 6.637482037441, 17.491972834762, 'UpsampleBilinear2DAaBackward0'),
    ('bilinear', (1, 2, 9, 11), True, {'size': (4, 3)}, True, (1, 2, 4, 3), 14.217912929689, 8.483767189367, 23.291257805104, 'UpsampleBilinear2DAaBackward0'),
    ('bilinear', (1, 2, 9, 11), True, {'scale_factor': 0.4}, True, (1, 2, 3, 4), 13.939320731269, 8.533883429752, 23.370931642901, 'UpsampleBilinear2DAaBackward0'),
    ('bilinear', (1, 1, 8, 8), True, {'size': (3, 5)}, True, (1, 1, 3, 5), 8.99487537063, 5.900341011447, 14.202089365316, 'UpsampleBilinear2DAaBackward0'),
    ('bilinear', (1, 1, 4, 5), True, {'size': (7, 9)}, True, (1, 1, 7, 9), 33.839389541852, 21.195, 61.759629913515, 'UpsampleBilinear2DAaBackward0'),
    ('bilinear', (2, 1, 12, 7), True, {'scale_factor': (0.3, 0.5)}, True, (2, 1, 3, 3), 10.686221115753, 6.678110579245, 17.385216139928, 'UpsampleBilinear2DAaBackward0'),
    ('bicubic', (1, 2, 9, 11), False, {'size': (4, 3)}, True, (1, 2, 4, 3), 14.35525029418, 8.801409749172, 23.727840644534, 'UpsampleBicubic2DAaBackward0'),
    ('bicubic', (1, 2, 9, 11), False, {'scale_factor': 0.4}, True, (1, 2, 3, 4), 13.886407997106, 8.941355990889, 23.585968494502, 'UpsampleBicubic2DAaBackward0'),
    ('bicubic', (1, 1, 8, 8), False, {'size': (3, 5)}, True, (1, 1, 3, 5), 8.618152963834, 5.485604375542, 14.384132471996, 'UpsampleBicubic2DAaBackward0'),
    ('bicubic', (1, 1, 4, 5), False, {'size': (7, 9)}, True, (1, 1, 7, 9), 32.634385383365, 23.689085704745, 61.699410490194, 'UpsampleBicubic2DAaBackward0'),
    ('bicubic', (2, 1, 12, 7), False, {'scale_factor': (0.3, 0.5)}, True, (2, 1, 3, 3), 10.663260528062, 6.686007503765, 17.495666977579, 'UpsampleBicubic2DAaBackward0'),
    ('bicubic', (1, 2, 9, 11), True, {'size': (4, 3)}, True, (1, 2, 4, 3), 14.296511983792, 8.681672818514, 23.14013517904, 'UpsampleBicubic2DAaBackward0'),
    ('bicubic', (1, 2, 9, 11), True, {'scale_factor': 0.4}, True, (1, 2, 3, 4), 13.957283258049, 8.781183754887, 23.283728382198, 'UpsampleBicubic2DAaBackward0'),
    ('bicubic', (1, 1, 8, 8), True, {'size': (3, 5)}, True, (1, 1, 3, 5), 9.146509272482, 6.142429780158, 14.103070022269, 'UpsampleBicubic2DAaBackward0'),
    ('bicubic', (1, 1, 4, 5), True, {'size': (7, 9)}, True, (1, 1, 7, 9), 33.537836351014, 23.256052497034, 61.921240936147, 'UpsampleBicubic2DAaBackward0'),
    ('bicubic', (2, 1, 12, 7), True, {'scale_factor': (0.3, 0.5)}, True, (2, 1, 3, 3), 10.843850138295, 6.906464288245, 17.350755741795, 'UpsampleBicubic2DAaBackward0'),
]


def _case_id(case):
    mode, shape, ac, kw, aa = case[:5]
    return f"{mode}-{len(shape) - 2}d-ac{ac}-{'-'.join(f'{k}{v}' for k, v in kw.items())}{'-aa' if aa else ''}"


@pytest.mark.parametrize("case", CASES, ids=[_case_id(c) for c in CASES])
def test_interpolate_matches_pytorch(case, device):
    """Output shape, two weighted sums of the output and one of the gradient (d sum(y*w)/dx),
    against PyTorch's; float32 gives the same to float32 rounding (the nearest modes pick
    their source pixels in float32 arithmetic, as PyTorch does, whatever the dtype)."""
    mode, shape, ac, kw, aa, out_shape, s_yw, s_yy, s_gv, name = case
    for dtype, tol in ((gradkit.float64, 1e-9), (gradkit.float32, 2e-5)):
        x = pattern(shape, device, dtype).requires_grad_()
        y = F.interpolate(x, mode=mode, align_corners=ac, antialias=aa, **kw)
        assert tuple(y.shape) == out_shape and y.dtype == dtype and y.device == x.device
        w = weights(y.numel(), 0.6180339887498949, dtype).reshape(y.shape).to(device)
        (y * w).sum().backward()
        v = weights(x.numel(), 0.3819660112501051, dtype).reshape(x.shape).to(device)
        assert y.grad_fn.name() == name
        y = y.detach()
        got = [float((y * w).sum()), float((y * y).sum()), float((x.grad * v).sum())]
        np.testing.assert_allclose(got, [s_yw, s_yy, s_gv], rtol=tol, atol=tol)


# values and gradients d sum(y * w)/dx of small cases, recorded from PyTorch 2.13 (inputs
# pattern(shape) - 0.6, w = weights(numel, 0.618...))
LITERALS = {
    'bilinear': ([-0.6, -0.1625, -0.125, -0.5, -0.2, -0.16875, -0.13125, -0.1, 0.2, -0.175, -0.1375, 0.3],
        [1.5159875877, 1.7208055652, 2.2697846558, 2.439361464, 1.6511454527, 2.193158532]),
    'bilinear_ac': ([-0.6, -0.1333333333, -0.1, -0.5, -0.2, -0.1666666667, -0.1333333333, -0.1, 0.2, -0.2, -0.1666666667, 0.3],
        [1.457107631, 1.8355259362, 2.2139442415, 2.382803511, 1.7612218162, 2.1396401215]),
    'bicubic': ([-0.7400040992, -0.1961914063, 0.1116556552, -0.4530257362, -0.1468858507, -0.2051757812, -0.2065719039, -0.0790400752, 0.2433686182, -0.1241644965, -0.2843896016, 0.1986667042, -0.2569609214, 0.067719184, 0.263018556, -0.0497348948],
        [1.5240789293, 2.2920933018, 1.5643765222, 2.7332747267, 2.2927241378, 1.5613761971, 1.1590041813, 1.2912792513, 0.7458714024]),
    'nearest_frac': ([-0.6, -0.6, 0.1, 0.1, -0.5, -0.5, 0.2, -0.4],
        [1.6180339887, 2.0901699437, 1.5623058987, 1.2082039325, 0.8262379212]),
    'nearest_exact': ([-0.6, -0.6, 0.1, -0.5, -0.5, 0.2, 0.2, -0.4],
        [1.6180339887, 0.7360679775, 2.3262379212, 1.7983738762, 0.8262379212]),
    'area': ([-0.25, -0.0666666667, -0.1],
        [0.25, 0.6226779962, 0.3726779962, 0.740711985, 0.3680339887]),
    'aa_bicubic': ([-0.1655881559, -0.0254704184, 0.0929655646, 0.0424895887, -0.0995285663, -0.0009824934],
        [0.0486420087, 0.0975400967, 0.1585170752, 0.1753446076, 0.1480226939, 0.0977961165, 0.0979139813, 0.1653647198, 0.2267127464, 0.2387713245, 0.2015404541, 0.1331377226, 0.1889708844, 0.2575643014, 0.2539121208, 0.2338186549, 0.1972839037, 0.1302768129, 0.2531519283, 0.3131325157, 0.2449995492, 0.1956117766, 0.164969198, 0.1088876454, 0.2006315846, 0.2422158351, 0.1764212246, 0.1330881781, 0.1122166954, 0.0740534749]),
    'trilinear': ([-0.6, -0.25, 0.1, -0.5, -0.15, 0.2, -0.5, -0.15, 0.2, -0.4, -0.05, 0.3, -0.4, -0.05, 0.3, -0.3, 0.05, 0.4],
        [1.8696784409, 2.2237804072, 2.541407865, 1.8955098312, 1.9942902384, 2.3483922047, 2.1660196625, 2.5201216287]),
}
LITERAL_CALLS = {
    "bilinear": ((1, 1, 2, 3), dict(size=(3, 4), mode="bilinear")),
    "bilinear_ac": ((1, 1, 2, 3), dict(size=(3, 4), mode="bilinear", align_corners=True)),
    "bicubic": ((1, 1, 3, 3), dict(scale_factor=1.5, mode="bicubic")),
    "nearest_frac": ((1, 1, 5), dict(scale_factor=1.7)),
    "nearest_exact": ((1, 1, 5), dict(scale_factor=1.7, mode="nearest-exact")),
    "area": ((1, 1, 5), dict(size=3, mode="area")),
    "aa_bicubic": ((1, 1, 5, 6), dict(size=(2, 3), mode="bicubic", antialias=True)),
    "trilinear": ((1, 1, 2, 2, 2), dict(size=(3, 2, 3), mode="trilinear")),
}


@pytest.mark.parametrize("name", sorted(LITERAL_CALLS))
def test_interpolate_values(name, device):
    shape, kw = LITERAL_CALLS[name]
    want_y, want_g = LITERALS[name]
    x = centred(shape).to(device).requires_grad_()
    y = F.interpolate(x, **kw)
    (y * weights(y.numel(), 0.6180339887498949).reshape(y.shape).to(device)).sum().backward()
    np.testing.assert_allclose(host(y).reshape(-1), want_y, atol=1e-9)
    np.testing.assert_allclose(host(x.grad).reshape(-1), want_g, atol=1e-9)


GRAD_CALLS = [
    ((1, 2, 4), dict(size=6, mode="linear")),
    ((1, 2, 4), dict(scale_factor=1.6, mode="nearest")),
    ((2, 1, 3, 4), dict(scale_factor=0.75, mode="nearest-exact")),
    ((1, 2, 5), dict(size=3, mode="area")),
    ((1, 2, 3, 4), dict(size=(4, 5), mode="bilinear", align_corners=True)),
    ((1, 1, 3, 4), dict(scale_factor=1.5, mode="bicubic")),
    ((1, 1, 5, 4), dict(size=(2, 3), mode="bilinear", antialias=True)),
    ((1, 1, 5, 4), dict(size=(3, 2), mode="bicubic", antialias=True, align_corners=True)),
    ((1, 1, 2, 3, 2), dict(size=(3, 2, 3), mode="trilinear")),
]


@pytest.mark.parametrize("shape,kw", GRAD_CALLS, ids=[kw["mode"] + ("-aa" if kw.get("antialias") else "")
                                                      for _, kw in GRAD_CALLS])
def test_interpolate_gradcheck(shape, kw, device):
    x = centred(shape).to(device).requires_grad_()
    check_grads(lambda t: F.interpolate(t, **kw), (x,))


def test_interpolate_identity_and_scale_keyword(device):
    x = centred((1, 2, 3, 4)).to(device)
    np.testing.assert_array_equal(host(F.interpolate(x, size=(3, 4))), host(x))
    # the scale factor itself (not in/out) places the samples unless recompute_scale_factor
    a = F.interpolate(x, scale_factor=1.7, mode="bilinear")
    b = F.interpolate(x, scale_factor=1.7, mode="bilinear", recompute_scale_factor=True)
    c = F.interpolate(x, size=tuple(a.shape[2:]), mode="bilinear")
    assert tuple(a.shape) == (1, 2, 5, 6)
    np.testing.assert_allclose(host(b), host(c))
    assert not np.allclose(host(a), host(b))


def test_upsample_functions_warn_and_match_interpolate():
    x = centred((1, 1, 2, 3))
    for fn, kw in ((F.upsample, dict(mode="bilinear")), (F.upsample_nearest, {}), (F.upsample_bilinear, {})):
        with pytest.warns(UserWarning, match=f"`nn.functional.{fn.__name__}` is deprecated"):
            y = fn(x, scale_factor=2, **kw)
        ref = F.interpolate(x, scale_factor=2, mode=kw.get("mode", "bilinear" if fn is F.upsample_bilinear else
                                                                 "nearest"),
                            align_corners=True if fn is F.upsample_bilinear else None)
        np.testing.assert_allclose(host(y), host(ref))


def test_upsample_modules():
    x = centred((1, 1, 2, 3))
    assert repr(nn.Upsample(scale_factor=2)) == "Upsample(scale_factor=2.0, mode='nearest')"
    assert repr(nn.Upsample(size=(3, 4), mode="bilinear")) == "Upsample(size=(3, 4), mode='bilinear')"
    assert repr(nn.Upsample(scale_factor=(2, 3))) == "Upsample(scale_factor=(2.0, 3.0), mode='nearest')"
    assert repr(nn.UpsamplingBilinear2d(scale_factor=2)) == "UpsamplingBilinear2d(scale_factor=2.0, mode='bilinear')"
    assert repr(nn.UpsamplingNearest2d(size=4)) == "UpsamplingNearest2d(size=4, mode='nearest')"
    np.testing.assert_allclose(host(nn.UpsamplingBilinear2d(scale_factor=2)(x)),
                               host(F.interpolate(x, scale_factor=2, mode="bilinear", align_corners=True)))
    np.testing.assert_allclose(host(nn.Upsample(size=(3, 5), mode="bicubic")(x)),
                               host(F.interpolate(x, size=(3, 5), mode="bicubic")))
    from gradkit.nn.modules.upsampling import Upsample, UpsamplingBilinear2d, UpsamplingNearest2d
    assert (Upsample, UpsamplingNearest2d, UpsamplingBilinear2d) == (nn.Upsample, nn.UpsamplingNearest2d,
                                                                     nn.UpsamplingBilinear2d)


ERRORS = [
    (dict(size=3, scale_factor=2), ValueError, "only one of size or scale_factor should be defined"),
    ({}, ValueError, "either size or scale_factor should be defined"),
    (dict(size=(3,)), ValueError, "Input and output must have the same number of spatial dimensions, but got input "
                                  "with spatial dimensions of [4, 5] and output size of (3,). Please provide input "
                                  "tensor in (N, C, d1, d2, ...,dK) format and output size in (o1, o2, ...,oK) format."),
    (dict(scale_factor=(2, 2, 2)), ValueError, "Input and scale_factor must have the same number of spatial "
                                               "dimensions, but got input with spatial dimensions of [4, 5] and "
                                               "scale_factor of shape (2, 2, 2). Please provide input tensor in (N, "
                                               "C, d1, d2, ...,dK) format and scale_factor in (s1, s2, ...,sK) format."),
    (dict(size=(2, 3), align_corners=True), ValueError, "align_corners option can only be set with the interpolating "
                                                        "modes: linear | bilinear | bicubic | trilinear"),
    (dict(size=(2, 3), recompute_scale_factor=True), ValueError,
     "recompute_scale_factor is not meaningful with an explicit size."),
    (dict(size=3, mode="linear"), NotImplementedError, "Got 4D input, but linear mode needs 3D input"),
    (dict(size=3, mode="cubic"), NotImplementedError,
     "Input Error: Only 3D, 4D and 5D input Tensors supported (got 4D) for the modes: nearest | linear | bilinear | "
     "bicubic | trilinear | lanczos | area | nearest-exact (got cubic)"),
    (dict(size=(2.5, 3)), TypeError, "expected size to be one of int or Tuple[int] or Tuple[int, int] or Tuple[int, "
                                     "int, int], but got size with types [<class 'float'>, <class 'int'>]"),
    (dict(size=(0, 3)), RuntimeError, "Input and output sizes should be greater than 0, but got input (H: 4, W: 5) "
                                      "output (H: 0, W: 3)"),
    (dict(scale_factor=0.1), RuntimeError, "Input and output sizes should be greater than 0, but got input (H: 4, W: "
                                           "5) output (H: 0, W: 0)"),
]


@pytest.mark.parametrize("kw,exc,message", ERRORS)
def test_interpolate_errors(kw, exc, message):
    with pytest.raises(exc) as info:
        F.interpolate(gradkit.zeros(1, 2, 4, 5), **kw)
    assert str(info.value) == message


def test_interpolate_rank_errors():
    with pytest.raises(NotImplementedError, match="^Got 3D input, but bilinear mode needs 4D input$"):
        F.interpolate(gradkit.zeros(1, 2, 4), size=3, mode="bilinear")
    with pytest.raises(ValueError, match="^Anti-alias option is restricted to bilinear, bicubic, and lanczos modes "
                                         "and requires a 4-D tensor as input$"):
        F.interpolate(gradkit.zeros(1, 2, 4), size=3, mode="linear", antialias=True)
    with pytest.raises(NotImplementedError, match=r"\(got 5D\) for the modes: .* \(got bicubic\)$"):
        F.interpolate(gradkit.zeros(1, 1, 2, 3, 4), size=3, mode="bicubic")
    with pytest.raises(NotImplementedError, match=r"\(got 2D\) for the modes"):
        F.interpolate(gradkit.zeros(2, 3), size=3)


# ----------------------------------------------------------------------------- pixel shuffle
def test_pixel_shuffle_values_and_inverse(device):
    x = gradkit.arange(16.0).reshape(1, 4, 2, 2).to(device)
    y = F.pixel_shuffle(x, 2)
    assert tuple(y.shape) == (1, 1, 4, 4)
    # recorded from PyTorch 2.13
    assert host(y).reshape(-1).tolist() == [0, 4, 1, 5, 8, 12, 9, 13, 2, 6, 3, 7, 10, 14, 11, 15]
    np.testing.assert_array_equal(host(F.pixel_unshuffle(y, 2)), host(x))
    z = centred((2, 3, 8, 2, 4)).to(device)  # extra leading dims pass through
    assert tuple(F.pixel_shuffle(z, 2).shape) == (2, 3, 2, 4, 8)
    np.testing.assert_array_equal(host(F.pixel_unshuffle(F.pixel_shuffle(z, 2), 2)), host(z))
    check_grads(lambda t: F.pixel_shuffle(t, 2), (centred((1, 4, 2, 3)).to(device).requires_grad_(),))
    check_grads(lambda t: F.pixel_unshuffle(t, 2), (centred((1, 1, 2, 4)).to(device).requires_grad_(),))


def test_pixel_shuffle_modules_and_errors():
    assert repr(nn.PixelShuffle(2)) == "PixelShuffle(upscale_factor=2)"
    assert repr(nn.PixelUnshuffle(3)) == "PixelUnshuffle(downscale_factor=3)"
    assert tuple(nn.PixelUnshuffle(2)(nn.PixelShuffle(2)(gradkit.zeros(1, 8, 3, 3))).shape) == (1, 8, 3, 3)
    from gradkit.nn.modules.pixelshuffle import PixelShuffle, PixelUnshuffle
    assert (PixelShuffle, PixelUnshuffle) == (nn.PixelShuffle, nn.PixelUnshuffle)
    cases = [
        (lambda: F.pixel_shuffle(gradkit.zeros(1, 3, 2, 2), 2),
         "pixel_shuffle expects its input's 'channel' dimension to be divisible by the square of upscale_factor, but "
         "input.size(-3)=3 is not divisible by 4"),
        (lambda: F.pixel_shuffle(gradkit.zeros(4, 2), 2),
         "pixel_shuffle expects input to have at least 3 dimensions, but got input with 2 dimension(s)"),
        (lambda: F.pixel_unshuffle(gradkit.zeros(1, 1, 3, 4), 2),
         "pixel_unshuffle expects height to be divisible by downscale_factor, but input.size(-2)=3 is not divisible "
         "by 2"),
        (lambda: F.pixel_unshuffle(gradkit.zeros(1, 1, 4, 3), 2),
         "pixel_unshuffle expects width to be divisible by downscale_factor, but input.size(-1)=3 is not divisible "
         "by 2"),
    ]
    for call, message in cases:
        with pytest.raises(RuntimeError) as info:
            call()
        assert str(info.value) == message


def test_kernel_matrices_are_the_same_on_every_device():
    """The portable weight matrices (what the strict device runs) equal the CPU's."""
    from gradkit._device import resolve
    cpu, strict = resolve("cpu").backend, resolve("strict").backend
    for mode, aa in (("bilinear", False), ("bicubic", True), ("nearest", False), ("area", False)):
        a = cpu.resample_matrix(mode, 7, 4, None, False, aa, cpu.xp.float64, "cpu")
        b = strict.resample_matrix(mode, 7, 4, None, False, aa, strict.xp.float64, strict.xp_device(None))
        np.testing.assert_allclose(a, strict.to_host(b), atol=1e-15)




def _dense(index, weight, rows, cols):
    m = np.zeros((rows, cols))
    w = np.ones(index.shape) if weight is None else weight
    np.add.at(m, (np.repeat(np.arange(rows), index.shape[1]), index.reshape(-1)), w.reshape(-1))
    return m


@pytest.mark.parametrize("mode,ac,aa", [("nearest", False, False), ("nearest-exact", False, False),
                                        ("area", False, False), ("linear", False, False), ("linear", True, False),
                                        ("bicubic", False, False), ("bicubic", True, False),
                                        ("bilinear", False, True), ("bicubic", True, True)])
def test_sparse_maps_hold_every_weight(mode, ac, aa):
    """Each axis's map keeps a bounded number of taps per output (and per input, for the
    gradient); the bounds hold for every pair of sizes up to 12, up- and downsampling, and for
    scale factors that are not the size ratio."""
    from gradkit._device import resolve
    backend = resolve("cpu").backend
    pairs = [(n, m, None) for n in range(1, 13) for m in range(1, 13)]
    pairs += [(n, int(n * s), s) for n in range(1, 13) for s in (0.3, 0.55, 1.7, 2.5, 3.2) if int(n * s) >= 1]
    for n, m, scale in pairs:
        if mode == "area":
            scale = None  # area always works from the sizes
        dense = backend.resample_matrix(mode, n, m, scale, ac, aa, np.float64, "cpu")
        index, weight, index_t, weight_t = backend.resample_map(mode, n, m, scale, ac, aa, np.float64, "cpu")
        np.testing.assert_allclose(_dense(index, weight, m, n), dense, atol=1e-15, err_msg=f"{n} -> {m}")
        np.testing.assert_allclose(_dense(index_t, weight_t, n, m), dense.T, atol=1e-15, err_msg=f"{n} -> {m}")


def test_interpolate_dtypes():
    """Floating inputs in every mode (float16 too, with PyTorch's values); uint8 images in
    the nearest modes; every other dtype refused with PyTorch's message."""
    x = gradkit.arange(4).view(1, 1, 4)
    y = F.interpolate(x.to(gradkit.float16), size=6, mode="linear")
    assert y.dtype == gradkit.float16 and host(y).tolist() == [[[0.0, 0.5, 1.1669921875, 1.833984375, 2.5, 3.0]]]
    y = F.interpolate(x.to(gradkit.uint8), size=6, mode="nearest-exact")
    assert y.dtype == gradkit.uint8 and host(y).tolist() == [[[0, 1, 1, 2, 3, 3]]]
    # uint8 images resize in bilinear and bicubic too: PyTorch's fixed-point results, within one
    img = (gradkit.arange(2 * 3 * 9 * 11).reshape(2, 3, 9, 11) * 37 % 256).to(gradkit.uint8)
    for mode, aa in (("bilinear", True), ("bilinear", False), ("bicubic", True)):
        y = F.interpolate(img, size=(4, 5), mode=mode, antialias=aa)
        f = F.interpolate(img.float(), size=(4, 5), mode=mode, antialias=aa)
        assert y.dtype == gradkit.uint8
        assert float((y.float() - f.round().clamp(0, 255)).abs().max()) == 0
    refusals = [("nearest", gradkit.int64, (1, 1, 4), '"compute_indices_weights_nearest" not implemented for \'Long\''),
                ("linear", gradkit.uint8, (1, 1, 4), '"compute_indices_weights_linear" not implemented for \'Byte\''),
                ("bilinear", gradkit.bool, (1, 1, 2, 2),
                 '"upsample_bilinear2d_channels_last" not implemented for \'Bool\''),
                ("area", gradkit.bool, (1, 1, 4), '"adaptive_avg_pool2d" not implemented for \'Bool\''),
                ("area", gradkit.int64, (1, 1, 1, 2, 2), '"adaptive_avg_pool3d_cpu" not implemented for \'Long\''),
                ("bicubic", gradkit.int64, (1, 1, 2, 2), '"compute_indices_weights_cubic" not implemented for \'Long\'')]
    for mode, dtype, shape, message in refusals:
        with pytest.raises(NotImplementedError) as info:
            F.interpolate(gradkit.zeros(shape, dtype=dtype), size=shape[2:], mode=mode)
        assert str(info.value) == message


def test_uint8_antialiased_resize_is_within_one_of_pytorch():
    """PyTorch resizes uint8 images in fixed point; gradkit in float32, rounded: the same
    pixels, or one apart (values recorded from PyTorch 2.13)."""
    img = (gradkit.arange(1 * 2 * 9 * 11).reshape(1, 2, 9, 11) * 37 % 256).to(gradkit.uint8)
    recorded = {
        "bilinear": [104, 107, 131, 106, 116, 137, 118, 125, 132, 116, 128, 141, 131, 141, 138, 122, 114, 147, 137,
                     117, 115, 134, 111, 124, 127, 116, 131, 136, 125, 142, 149, 132, 144, 119, 126, 114, 126, 119,
                     107, 127],
        "bicubic": [101, 105, 134, 105, 114, 138, 118, 125, 132, 115, 130, 147, 128, 141, 146, 123, 106, 152, 141,
                    111, 111, 136, 111, 119, 127, 116, 134, 134, 127, 148, 157, 129, 146, 121, 122, 109, 126, 120,
                    102, 127],
    }
    for mode, want in recorded.items():
        got = host(F.interpolate(img, size=(4, 5), mode=mode, antialias=True)).reshape(-1).astype(int)
        assert np.abs(got - np.array(want)).max() <= 1
