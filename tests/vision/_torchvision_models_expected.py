"""Recorded by record_torchvision_models.py from torchvision 0.28.0+cu130 (torch 2.13.0+cpu); do not edit."""
EXPECTED = {'num_params': {'alexnet': 61100840,
                'mobilenet_v2': 3504872,
                'resnet18': 11689512,
                'resnet18_c10': 11181642,
                'resnet34': 21797672,
                'resnet50': 25557032,
                'vgg11': 132863336},
 'repr': {'alexnet': 'AlexNet(\n'
                     '  (features): Sequential(\n'
                     '    (0): Conv2d(3, 64, kernel_size=(11, 11), stride=(4, 4), padding=(2, 2))\n'
                     '    (1): ReLU(inplace=True)\n'
                     '    (2): MaxPool2d(kernel_size=3, stride=2, padding=0, dilation=1, ceil_mode=False)\n'
                     '    (3): Conv2d(64, 192, kernel_size=(5, 5), stride=(1, 1), padding=(2, 2))\n'
                     '    (4): ReLU(inplace=True)\n'
                     '    (5): MaxPool2d(kernel_size=3, stride=2, padding=0, dilation=1, ceil_mode=False)\n'
                     '    (6): Conv2d(192, 384, kernel_size=(3, 3), stride=(1, 1), padding=(1, 1))\n'
                     '    (7): ReLU(inplace=True)\n'
                     '    (8): Conv2d(384, 256, kernel_size=(3, 3), stride=(1, 1), padding=(1, 1))\n'
                     '    (9): ReLU(inplace=True)\n'
                     '    (10): Conv2d(256, 256, kernel_size=(3, 3), stride=(1, 1), padding=(1, 1))\n'
                     '    (11): ReLU(inplace=True)\n'
                     '    (12): MaxPool2d(kernel_size=3, stride=2, padding=0, dilation=1, ceil_mode=False)\n'
                     '  )\n'
                     '  (avgpool): AdaptiveAvgPool2d(output_size=(6, 6))\n'
                     '  (classifier): Sequential(\n'
                     '    (0): Dropout(p=0.5, inplace=False)\n'
                     '    (1): Linear(in_features=9216, out_features=4096, bias=True)\n'
                     '    (2): ReLU(inplace=True)\n'
                     '    (3): Dropout(p=0.5, inplace=False)\n'
                     '    (4): Linear(in_features=4096, out_features=4096, bias=True)\n'
                     '    (5): ReLU(inplace=True)\n'
                     '    (6): Linear(in_features=4096, out_features=1000, bias=True)\n'
                     '  )\n'
                     ')',
          'mobilenet_v2': 'MobileNetV2(\n'
                          '  (features): Sequential(\n'
                          '    (0): Conv2dNormActivation(\n'
                          '      (0): Conv2d(3, 32, kernel_size=(3, 3), stride=(2, 2), padding=(1, 1), bias=False)\n'
                          '      (1): BatchNorm2d(32, eps=1e-05, momentum=0.1, affine=True, bias=True, '
                          'track_running_stats=True)\n'
                          '      (2): ReLU6(inplace=True)\n'
                          '    )\n'
                          '    (1): InvertedResidual(\n'
                          '      (conv): Sequential(\n'
                          '        (0): Conv2dNormActivation(\n'
                          '          (0): Conv2d(32, 32, kernel_size=(3, 3), stride=(1, 1), padding=(1, 1), '
                          'groups=32, bias=False)\n'
                          '          (1): BatchNorm2d(32, eps=1e-05, momentum=0.1, affine=True, bias=True, '
                          'track_running_stats=True)\n'
                          '          (2): ReLU6(inplace=True)\n'
                          '        )\n'
                          '        (1): Conv2d(32, 16, kernel_size=(1, 1), stride=(1, 1), bias=False)\n'
                          '        (2): BatchNorm2d(16, eps=1e-05, momentum=0.1, affine=True, bias=True, '
                          'track_running_stats=True)\n'
                          '      )\n'
                          '    )\n'
                          '    (2): InvertedResidual(\n'
                          '      (conv): Sequential(\n'
                          '        (0): Conv2dNormActivation(\n'
                          '          (0): Conv2d(16, 96, kernel_size=(1, 1), stride=(1, 1), bias=False)\n'
                          '          (1): BatchNorm2d(96, eps=1e-05, momentum=0.1, affine=True, bias=True, '
                          'track_running_stats=True)\n'
                          '          (2): ReLU6(inplace=True)\n'
                          '        )\n'
                          '        (1): Conv2dNormActivation(\n'
                          '          (0): Conv2d(96, 96, kernel_size=(3, 3), stride=(2, 2), padding=(1, 1), '
                          'groups=96, bias=False)\n'
                          '          (1): BatchNorm2d(96, eps=1e-05, momentum=0.1, affine=True, bias=True, '
                          'track_running_stats=True)\n'
                          '          (2): ReLU6(inplace=True)\n'
                          '        )\n'
                          '        (2): Conv2d(96, 24, kernel_size=(1, 1), stride=(1, 1), bias=False)\n'
                          '        (3): BatchNorm2d(24, eps=1e-05, momentum=0.1, affine=True, bias=True, '
                          'track_running_stats=True)\n'
                          '      )\n'
                          '    )\n'
                          '    (3): InvertedResidual(\n'
                          '      (conv): Sequential(\n'
                          '        (0): Conv2dNormActivation(\n'
                          '          (0): Conv2d(24, 144, kernel_size=(1, 1), stride=(1, 1), bias=False)\n'
                          '          (1): BatchNorm2d(144, eps=1e-05, momentum=0.1, affine=True, bias=True, '
                          'track_running_stats=True)\n'
                          '          (2): ReLU6(inplace=True)\n'
                          '        )\n'
                          '        (1): Conv2dNormActivation(\n'
                          '          (0): Conv2d(144, 144, kernel_size=(3, 3), stride=(1, 1), padding=(1, 1), '
                          'groups=144, bias=False)\n'
                          '          (1): BatchNorm2d(144, eps=1e-05, momentum=0.1, affine=True, bias=True, '
                          'track_running_stats=True)\n'
                          '          (2): ReLU6(inplace=True)\n'
                          '        )\n'
                          '        (2): Conv2d(144, 24, kernel_size=(1, 1), stride=(1, 1), bias=False)\n'
                          '        (3): BatchNorm2d(24, eps=1e-05, momentum=0.1, affine=True, bias=True, '
                          'track_running_stats=True)\n'
                          '      )\n'
                          '    )\n'
                          '    (4): InvertedResidual(\n'
                          '      (conv): Sequential(\n'
                          '        (0): Conv2dNormActivation(\n'
                          '          (0): Conv2d(24, 144, kernel_size=(1, 1), stride=(1, 1), bias=False)\n'
                          '          (1): BatchNorm2d(144, eps=1e-05, momentum=0.1, affine=True, bias=True, '
                          'track_running_stats=True)\n'
                          '          (2): ReLU6(inplace=True)\n'
                          '        )\n'
                          '        (1): Conv2dNormActivation(\n'
                          '          (0): Conv2d(144, 144, kernel_size=(3, 3), stride=(2, 2), padding=(1, 1), '
                          'groups=144, bias=False)\n'
                          '          (1): BatchNorm2d(144, eps=1e-05, momentum=0.1, affine=True, bias=True, '
                          'track_running_stats=True)\n'
                          '          (2): ReLU6(inplace=True)\n'
                          '        )\n'
                          '        (2): Conv2d(144, 32, kernel_size=(1, 1), stride=(1, 1), bias=False)\n'
                          '        (3): BatchNorm2d(32, eps=1e-05, momentum=0.1, affine=True, bias=True, '
                          'track_running_stats=True)\n'
                          '      )\n'
                          '    )\n'
                          '    (5): InvertedResidual(\n'
                          '      (conv): Sequential(\n'
                          '        (0): Conv2dNormActivation(\n'
                          '          (0): Conv2d(32, 192, kernel_size=(1, 1), stride=(1, 1), bias=False)\n'
                          '          (1): BatchNorm2d(192, eps=1e-05, momentum=0.1, affine=True, bias=True, '
                          'track_running_stats=True)\n'
                          '          (2): ReLU6(inplace=True)\n'
                          '        )\n'
                          '        (1): Conv2dNormActivation(\n'
                          '          (0): Conv2d(192, 192, kernel_size=(3, 3), stride=(1, 1), padding=(1, 1), '
                          'groups=192, bias=False)\n'
                          '          (1): BatchNorm2d(192, eps=1e-05, momentum=0.1, affine=True, bias=True, '
                          'track_running_stats=True)\n'
                          '          (2): ReLU6(inplace=True)\n'
                          '        )\n'
                          '        (2): Conv2d(192, 32, kernel_size=(1, 1), stride=(1, 1), bias=False)\n'
                          '        (3): BatchNorm2d(32, eps=1e-05, momentum=0.1, affine=True, bias=True, '
                          'track_running_stats=True)\n'
                          '      )\n'
                          '    )\n'
                          '    (6): InvertedResidual(\n'
                          '      (conv): Sequential(\n'
                          '        (0): Conv2dNormActivation(\n'
                          '          (0): Conv2d(32, 192, kernel_size=(1, 1), stride=(1, 1), bias=False)\n'
                          '          (1): BatchNorm2d(192, eps=1e-05, momentum=0.1, affine=True, bias=True, '
                          'track_running_stats=True)\n'
                          '          (2): ReLU6(inplace=True)\n'
                          '        )\n'
                          '        (1): Conv2dNormActivation(\n'
                          '          (0): Conv2d(192, 192, kernel_size=(3, 3), stride=(1, 1), padding=(1, 1), '
                          'groups=192, bias=False)\n'
                          '          (1): BatchNorm2d(192, eps=1e-05, momentum=0.1, affine=True, bias=True, '
                          'track_running_stats=True)\n'
                          '          (2): ReLU6(inplace=True)\n'
                          '        )\n'
                          '        (2): Conv2d(192, 32, kernel_size=(1, 1), stride=(1, 1), bias=False)\n'
                          '        (3): BatchNorm2d(32, eps=1e-05, momentum=0.1, affine=True, bias=True, '
                          'track_running_stats=True)\n'
                          '      )\n'
                          '    )\n'
                          '    (7): InvertedResidual(\n'
                          '      (conv): Sequential(\n'
                          '        (0): Conv2dNormActivation(\n'
                          '          (0): Conv2d(32, 192, kernel_size=(1, 1), stride=(1, 1), bias=False)\n'
                          '          (1): BatchNorm2d(192, eps=1e-05, momentum=0.1, affine=True, bias=True, '
                          'track_running_stats=True)\n'
                          '          (2): ReLU6(inplace=True)\n'
                          '        )\n'
                          '        (1): Conv2dNormActivation(\n'
                          '          (0): Conv2d(192, 192, kernel_size=(3, 3), stride=(2, 2), padding=(1, 1), '
                          'groups=192, bias=False)\n'
                          '          (1): BatchNorm2d(192, eps=1e-05, momentum=0.1, affine=True, bias=True, '
                          'track_running_stats=True)\n'
                          '          (2): ReLU6(inplace=True)\n'
                          '        )\n'
                          '        (2): Conv2d(192, 64, kernel_size=(1, 1), stride=(1, 1), bias=False)\n'
                          '        (3): BatchNorm2d(64, eps=1e-05, momentum=0.1, affine=True, bias=True, '
                          'track_running_stats=True)\n'
                          '      )\n'
                          '    )\n'
                          '    (8): InvertedResidual(\n'
                          '      (conv): Sequential(\n'
                          '        (0): Conv2dNormActivation(\n'
                          '          (0): Conv2d(64, 384, kernel_size=(1, 1), stride=(1, 1), bias=False)\n'
                          '          (1): BatchNorm2d(384, eps=1e-05, momentum=0.1, affine=True, bias=True, '
                          'track_running_stats=True)\n'
                          '          (2): ReLU6(inplace=True)\n'
                          '        )\n'
                          '        (1): Conv2dNormActivation(\n'
                          '          (0): Conv2d(384, 384, kernel_size=(3, 3), stride=(1, 1), padding=(1, 1), '
                          'groups=384, bias=False)\n'
                          '          (1): BatchNorm2d(384, eps=1e-05, momentum=0.1, affine=True, bias=True, '
                          'track_running_stats=True)\n'
                          '          (2): ReLU6(inplace=True)\n'
                          '        )\n'
                          '        (2): Conv2d(384, 64, kernel_size=(1, 1), stride=(1, 1), bias=False)\n'
                          '        (3): BatchNorm2d(64, eps=1e-05, momentum=0.1, affine=True, bias=True, '
                          'track_running_stats=True)\n'
                          '      )\n'
                          '    )\n'
                          '    (9): InvertedResidual(\n'
                          '      (conv): Sequential(\n'
                          '        (0): Conv2dNormActivation(\n'
                          '          (0): Conv2d(64, 384, kernel_size=(1, 1), stride=(1, 1), bias=False)\n'
                          '          (1): BatchNorm2d(384, eps=1e-05, momentum=0.1, affine=True, bias=True, '
                          'track_running_stats=True)\n'
                          '          (2): ReLU6(inplace=True)\n'
                          '        )\n'
                          '        (1): Conv2dNormActivation(\n'
                          '          (0): Conv2d(384, 384, kernel_size=(3, 3), stride=(1, 1), padding=(1, 1), '
                          'groups=384, bias=False)\n'
                          '          (1): BatchNorm2d(384, eps=1e-05, momentum=0.1, affine=True, bias=True, '
                          'track_running_stats=True)\n'
                          '          (2): ReLU6(inplace=True)\n'
                          '        )\n'
                          '        (2): Conv2d(384, 64, kernel_size=(1, 1), stride=(1, 1), bias=False)\n'
                          '        (3): BatchNorm2d(64, eps=1e-05, momentum=0.1, affine=True, bias=True, '
                          'track_running_stats=True)\n'
                          '      )\n'
                          '    )\n'
                          '    (10): InvertedResidual(\n'
                          '      (conv): Sequential(\n'
                          '        (0): Conv2dNormActivation(\n'
                          '          (0): Conv2d(64, 384, kernel_size=(1, 1), stride=(1, 1), bias=False)\n'
                          '          (1): BatchNorm2d(384, eps=1e-05, momentum=0.1, affine=True, bias=True, '
                          'track_running_stats=True)\n'
                          '          (2): ReLU6(inplace=True)\n'
                          '        )\n'
                          '        (1): Conv2dNormActivation(\n'
                          '          (0): Conv2d(384, 384, kernel_size=(3, 3), stride=(1, 1), padding=(1, 1), '
                          'groups=384, bias=False)\n'
                          '          (1): BatchNorm2d(384, eps=1e-05, momentum=0.1, affine=True, bias=True, '
                          'track_running_stats=True)\n'
                          '          (2): ReLU6(inplace=True)\n'
                          '        )\n'
                          '        (2): Conv2d(384, 64, kernel_size=(1, 1), stride=(1, 1), bias=False)\n'
                          '        (3): BatchNorm2d(64, eps=1e-05, momentum=0.1, affine=True, bias=True, '
                          'track_running_stats=True)\n'
                          '      )\n'
                          '    )\n'
                          '    (11): InvertedResidual(\n'
                          '      (conv): Sequential(\n'
                          '        (0): Conv2dNormActivation(\n'
                          '          (0): Conv2d(64, 384, kernel_size=(1, 1), stride=(1, 1), bias=False)\n'
                          '          (1): BatchNorm2d(384, eps=1e-05, momentum=0.1, affine=True, bias=True, '
                          'track_running_stats=True)\n'
                          '          (2): ReLU6(inplace=True)\n'
                          '        )\n'
                          '        (1): Conv2dNormActivation(\n'
                          '          (0): Conv2d(384, 384, kernel_size=(3, 3), stride=(1, 1), padding=(1, 1), '
                          'groups=384, bias=False)\n'
                          '          (1): BatchNorm2d(384, eps=1e-05, momentum=0.1, affine=True, bias=True, '
                          'track_running_stats=True)\n'
                          '          (2): ReLU6(inplace=True)\n'
                          '        )\n'
                          '        (2): Conv2d(384, 96, kernel_size=(1, 1), stride=(1, 1), bias=False)\n'
                          '        (3): BatchNorm2d(96, eps=1e-05, momentum=0.1, affine=True, bias=True, '
                          'track_running_stats=True)\n'
                          '      )\n'
                          '    )\n'
                          '    (12): InvertedResidual(\n'
                          '      (conv): Sequential(\n'
                          '        (0): Conv2dNormActivation(\n'
                          '          (0): Conv2d(96, 576, kernel_size=(1, 1), stride=(1, 1), bias=False)\n'
                          '          (1): BatchNorm2d(576, eps=1e-05, momentum=0.1, affine=True, bias=True, '
                          'track_running_stats=True)\n'
                          '          (2): ReLU6(inplace=True)\n'
                          '        )\n'
                          '        (1): Conv2dNormActivation(\n'
                          '          (0): Conv2d(576, 576, kernel_size=(3, 3), stride=(1, 1), padding=(1, 1), '
                          'groups=576, bias=False)\n'
                          '          (1): BatchNorm2d(576, eps=1e-05, momentum=0.1, affine=True, bias=True, '
                          'track_running_stats=True)\n'
                          '          (2): ReLU6(inplace=True)\n'
                          '        )\n'
                          '        (2): Conv2d(576, 96, kernel_size=(1, 1), stride=(1, 1), bias=False)\n'
                          '        (3): BatchNorm2d(96, eps=1e-05, momentum=0.1, affine=True, bias=True, '
                          'track_running_stats=True)\n'
                          '      )\n'
                          '    )\n'
                          '    (13): InvertedResidual(\n'
                          '      (conv): Sequential(\n'
                          '        (0): Conv2dNormActivation(\n'
                          '          (0): Conv2d(96, 576, kernel_size=(1, 1), stride=(1, 1), bias=False)\n'
                          '          (1): BatchNorm2d(576, eps=1e-05, momentum=0.1, affine=True, bias=True, '
                          'track_running_stats=True)\n'
                          '          (2): ReLU6(inplace=True)\n'
                          '        )\n'
                          '        (1): Conv2dNormActivation(\n'
                          '          (0): Conv2d(576, 576, kernel_size=(3, 3), stride=(1, 1), padding=(1, 1), '
                          'groups=576, bias=False)\n'
                          '          (1): BatchNorm2d(576, eps=1e-05, momentum=0.1, affine=True, bias=True, '
                          'track_running_stats=True)\n'
                          '          (2): ReLU6(inplace=True)\n'
                          '        )\n'
                          '        (2): Conv2d(576, 96, kernel_size=(1, 1), stride=(1, 1), bias=False)\n'
                          '        (3): BatchNorm2d(96, eps=1e-05, momentum=0.1, affine=True, bias=True, '
                          'track_running_stats=True)\n'
                          '      )\n'
                          '    )\n'
                          '    (14): InvertedResidual(\n'
                          '      (conv): Sequential(\n'
                          '        (0): Conv2dNormActivation(\n'
                          '          (0): Conv2d(96, 576, kernel_size=(1, 1), stride=(1, 1), bias=False)\n'
                          '          (1): BatchNorm2d(576, eps=1e-05, momentum=0.1, affine=True, bias=True, '
                          'track_running_stats=True)\n'
                          '          (2): ReLU6(inplace=True)\n'
                          '        )\n'
                          '        (1): Conv2dNormActivation(\n'
                          '          (0): Conv2d(576, 576, kernel_size=(3, 3), stride=(2, 2), padding=(1, 1), '
                          'groups=576, bias=False)\n'
                          '          (1): BatchNorm2d(576, eps=1e-05, momentum=0.1, affine=True, bias=True, '
                          'track_running_stats=True)\n'
                          '          (2): ReLU6(inplace=True)\n'
                          '        )\n'
                          '        (2): Conv2d(576, 160, kernel_size=(1, 1), stride=(1, 1), bias=False)\n'
                          '        (3): BatchNorm2d(160, eps=1e-05, momentum=0.1, affine=True, bias=True, '
                          'track_running_stats=True)\n'
                          '      )\n'
                          '    )\n'
                          '    (15): InvertedResidual(\n'
                          '      (conv): Sequential(\n'
                          '        (0): Conv2dNormActivation(\n'
                          '          (0): Conv2d(160, 960, kernel_size=(1, 1), stride=(1, 1), bias=False)\n'
                          '          (1): BatchNorm2d(960, eps=1e-05, momentum=0.1, affine=True, bias=True, '
                          'track_running_stats=True)\n'
                          '          (2): ReLU6(inplace=True)\n'
                          '        )\n'
                          '        (1): Conv2dNormActivation(\n'
                          '          (0): Conv2d(960, 960, kernel_size=(3, 3), stride=(1, 1), padding=(1, 1), '
                          'groups=960, bias=False)\n'
                          '          (1): BatchNorm2d(960, eps=1e-05, momentum=0.1, affine=True, bias=True, '
                          'track_running_stats=True)\n'
                          '          (2): ReLU6(inplace=True)\n'
                          '        )\n'
                          '        (2): Conv2d(960, 160, kernel_size=(1, 1), stride=(1, 1), bias=False)\n'
                          '        (3): BatchNorm2d(160, eps=1e-05, momentum=0.1, affine=True, bias=True, '
                          'track_running_stats=True)\n'
                          '      )\n'
                          '    )\n'
                          '    (16): InvertedResidual(\n'
                          '      (conv): Sequential(\n'
                          '        (0): Conv2dNormActivation(\n'
                          '          (0): Conv2d(160, 960, kernel_size=(1, 1), stride=(1, 1), bias=False)\n'
                          '          (1): BatchNorm2d(960, eps=1e-05, momentum=0.1, affine=True, bias=True, '
                          'track_running_stats=True)\n'
                          '          (2): ReLU6(inplace=True)\n'
                          '        )\n'
                          '        (1): Conv2dNormActivation(\n'
                          '          (0): Conv2d(960, 960, kernel_size=(3, 3), stride=(1, 1), padding=(1, 1), '
                          'groups=960, bias=False)\n'
                          '          (1): BatchNorm2d(960, eps=1e-05, momentum=0.1, affine=True, bias=True, '
                          'track_running_stats=True)\n'
                          '          (2): ReLU6(inplace=True)\n'
                          '        )\n'
                          '        (2): Conv2d(960, 160, kernel_size=(1, 1), stride=(1, 1), bias=False)\n'
                          '        (3): BatchNorm2d(160, eps=1e-05, momentum=0.1, affine=True, bias=True, '
                          'track_running_stats=True)\n'
                          '      )\n'
                          '    )\n'
                          '    (17): InvertedResidual(\n'
                          '      (conv): Sequential(\n'
                          '        (0): Conv2dNormActivation(\n'
                          '          (0): Conv2d(160, 960, kernel_size=(1, 1), stride=(1, 1), bias=False)\n'
                          '          (1): BatchNorm2d(960, eps=1e-05, momentum=0.1, affine=True, bias=True, '
                          'track_running_stats=True)\n'
                          '          (2): ReLU6(inplace=True)\n'
                          '        )\n'
                          '        (1): Conv2dNormActivation(\n'
                          '          (0): Conv2d(960, 960, kernel_size=(3, 3), stride=(1, 1), padding=(1, 1), '
                          'groups=960, bias=False)\n'
                          '          (1): BatchNorm2d(960, eps=1e-05, momentum=0.1, affine=True, bias=True, '
                          'track_running_stats=True)\n'
                          '          (2): ReLU6(inplace=True)\n'
                          '        )\n'
                          '        (2): Conv2d(960, 320, kernel_size=(1, 1), stride=(1, 1), bias=False)\n'
                          '        (3): BatchNorm2d(320, eps=1e-05, momentum=0.1, affine=True, bias=True, '
                          'track_running_stats=True)\n'
                          '      )\n'
                          '    )\n'
                          '    (18): Conv2dNormActivation(\n'
                          '      (0): Conv2d(320, 1280, kernel_size=(1, 1), stride=(1, 1), bias=False)\n'
                          '      (1): BatchNorm2d(1280, eps=1e-05, momentum=0.1, affine=True, bias=True, '
                          'track_running_stats=True)\n'
                          '      (2): ReLU6(inplace=True)\n'
                          '    )\n'
                          '  )\n'
                          '  (classifier): Sequential(\n'
                          '    (0): Dropout(p=0.2, inplace=False)\n'
                          '    (1): Linear(in_features=1280, out_features=1000, bias=True)\n'
                          '  )\n'
                          ')',
          'resnet18': 'ResNet(\n'
                      '  (conv1): Conv2d(3, 64, kernel_size=(7, 7), stride=(2, 2), padding=(3, 3), bias=False)\n'
                      '  (bn1): BatchNorm2d(64, eps=1e-05, momentum=0.1, affine=True, bias=True, '
                      'track_running_stats=True)\n'
                      '  (relu): ReLU(inplace=True)\n'
                      '  (maxpool): MaxPool2d(kernel_size=3, stride=2, padding=1, dilation=1, ceil_mode=False)\n'
                      '  (layer1): Sequential(\n'
                      '    (0): BasicBlock(\n'
                      '      (conv1): Conv2d(64, 64, kernel_size=(3, 3), stride=(1, 1), padding=(1, 1), bias=False)\n'
                      '      (bn1): BatchNorm2d(64, eps=1e-05, momentum=0.1, affine=True, bias=True, '
                      'track_running_stats=True)\n'
                      '      (relu): ReLU(inplace=True)\n'
                      '      (conv2): Conv2d(64, 64, kernel_size=(3, 3), stride=(1, 1), padding=(1, 1), bias=False)\n'
                      '      (bn2): BatchNorm2d(64, eps=1e-05, momentum=0.1, affine=True, bias=True, '
                      'track_running_stats=True)\n'
                      '    )\n'
                      '    (1): BasicBlock(\n'
                      '      (conv1): Conv2d(64, 64, kernel_size=(3, 3), stride=(1, 1), padding=(1, 1), bias=False)\n'
                      '      (bn1): BatchNorm2d(64, eps=1e-05, momentum=0.1, affine=True, bias=True, '
                      'track_running_stats=True)\n'
                      '      (relu): ReLU(inplace=True)\n'
                      '      (conv2): Conv2d(64, 64, kernel_size=(3, 3), stride=(1, 1), padding=(1, 1), bias=False)\n'
                      '      (bn2): BatchNorm2d(64, eps=1e-05, momentum=0.1, affine=True, bias=True, '
                      'track_running_stats=True)\n'
                      '    )\n'
                      '  )\n'
                      '  (layer2): Sequential(\n'
                      '    (0): BasicBlock(\n'
                      '      (conv1): Conv2d(64, 128, kernel_size=(3, 3), stride=(2, 2), padding=(1, 1), '
                      'bias=False)\n'
                      '      (bn1): BatchNorm2d(128, eps=1e-05, momentum=0.1, affine=True, bias=True, '
                      'track_running_stats=True)\n'
                      '      (relu): ReLU(inplace=True)\n'
                      '      (conv2): Conv2d(128, 128, kernel_size=(3, 3), stride=(1, 1), padding=(1, 1), '
                      'bias=False)\n'
                      '      (bn2): BatchNorm2d(128, eps=1e-05, momentum=0.1, affine=True, bias=True, '
                      'track_running_stats=True)\n'
                      '      (downsample): Sequential(\n'
                      '        (0): Conv2d(64, 128, kernel_size=(1, 1), stride=(2, 2), bias=False)\n'
                      '        (1): BatchNorm2d(128, eps=1e-05, momentum=0.1, affine=True, bias=True, '
                      'track_running_stats=True)\n'
                      '      )\n'
                      '    )\n'
                      '    (1): BasicBlock(\n'
                      '      (conv1): Conv2d(128, 128, kernel_size=(3, 3), stride=(1, 1), padding=(1, 1), '
                      'bias=False)\n'
                      '      (bn1): BatchNorm2d(128, eps=1e-05, momentum=0.1, affine=True, bias=True, '
                      'track_running_stats=True)\n'
                      '      (relu): ReLU(inplace=True)\n'
                      '      (conv2): Conv2d(128, 128, kernel_size=(3, 3), stride=(1, 1), padding=(1, 1), '
                      'bias=False)\n'
                      '      (bn2): BatchNorm2d(128, eps=1e-05, momentum=0.1, affine=True, bias=True, '
                      'track_running_stats=True)\n'
                      '    )\n'
                      '  )\n'
                      '  (layer3): Sequential(\n'
                      '    (0): BasicBlock(\n'
                      '      (conv1): Conv2d(128, 256, kernel_size=(3, 3), stride=(2, 2), padding=(1, 1), '
                      'bias=False)\n'
                      '      (bn1): BatchNorm2d(256, eps=1e-05, momentum=0.1, affine=True, bias=True, '
                      'track_running_stats=True)\n'
                      '      (relu): ReLU(inplace=True)\n'
                      '      (conv2): Conv2d(256, 256, kernel_size=(3, 3), stride=(1, 1), padding=(1, 1), '
                      'bias=False)\n'
                      '      (bn2): BatchNorm2d(256, eps=1e-05, momentum=0.1, affine=True, bias=True, '
                      'track_running_stats=True)\n'
                      '      (downsample): Sequential(\n'
                      '        (0): Conv2d(128, 256, kernel_size=(1, 1), stride=(2, 2), bias=False)\n'
                      '        (1): BatchNorm2d(256, eps=1e-05, momentum=0.1, affine=True, bias=True, '
                      'track_running_stats=True)\n'
                      '      )\n'
                      '    )\n'
                      '    (1): BasicBlock(\n'
                      '      (conv1): Conv2d(256, 256, kernel_size=(3, 3), stride=(1, 1), padding=(1, 1), '
                      'bias=False)\n'
                      '      (bn1): BatchNorm2d(256, eps=1e-05, momentum=0.1, affine=True, bias=True, '
                      'track_running_stats=True)\n'
                      '      (relu): ReLU(inplace=True)\n'
                      '      (conv2): Conv2d(256, 256, kernel_size=(3, 3), stride=(1, 1), padding=(1, 1), '
                      'bias=False)\n'
                      '      (bn2): BatchNorm2d(256, eps=1e-05, momentum=0.1, affine=True, bias=True, '
                      'track_running_stats=True)\n'
                      '    )\n'
                      '  )\n'
                      '  (layer4): Sequential(\n'
                      '    (0): BasicBlock(\n'
                      '      (conv1): Conv2d(256, 512, kernel_size=(3, 3), stride=(2, 2), padding=(1, 1), '
                      'bias=False)\n'
                      '      (bn1): BatchNorm2d(512, eps=1e-05, momentum=0.1, affine=True, bias=True, '
                      'track_running_stats=True)\n'
                      '      (relu): ReLU(inplace=True)\n'
                      '      (conv2): Conv2d(512, 512, kernel_size=(3, 3), stride=(1, 1), padding=(1, 1), '
                      'bias=False)\n'
                      '      (bn2): BatchNorm2d(512, eps=1e-05, momentum=0.1, affine=True, bias=True, '
                      'track_running_stats=True)\n'
                      '      (downsample): Sequential(\n'
                      '        (0): Conv2d(256, 512, kernel_size=(1, 1), stride=(2, 2), bias=False)\n'
                      '        (1): BatchNorm2d(512, eps=1e-05, momentum=0.1, affine=True, bias=True, '
                      'track_running_stats=True)\n'
                      '      )\n'
                      '    )\n'
                      '    (1): BasicBlock(\n'
                      '      (conv1): Conv2d(512, 512, kernel_size=(3, 3), stride=(1, 1), padding=(1, 1), '
                      'bias=False)\n'
                      '      (bn1): BatchNorm2d(512, eps=1e-05, momentum=0.1, affine=True, bias=True, '
                      'track_running_stats=True)\n'
                      '      (relu): ReLU(inplace=True)\n'
                      '      (conv2): Conv2d(512, 512, kernel_size=(3, 3), stride=(1, 1), padding=(1, 1), '
                      'bias=False)\n'
                      '      (bn2): BatchNorm2d(512, eps=1e-05, momentum=0.1, affine=True, bias=True, '
                      'track_running_stats=True)\n'
                      '    )\n'
                      '  )\n'
                      '  (avgpool): AdaptiveAvgPool2d(output_size=(1, 1))\n'
                      '  (fc): Linear(in_features=512, out_features=1000, bias=True)\n'
                      ')',
          'vgg11': 'VGG(\n'
                   '  (features): Sequential(\n'
                   '    (0): Conv2d(3, 64, kernel_size=(3, 3), stride=(1, 1), padding=(1, 1))\n'
                   '    (1): ReLU(inplace=True)\n'
                   '    (2): MaxPool2d(kernel_size=2, stride=2, padding=0, dilation=1, ceil_mode=False)\n'
                   '    (3): Conv2d(64, 128, kernel_size=(3, 3), stride=(1, 1), padding=(1, 1))\n'
                   '    (4): ReLU(inplace=True)\n'
                   '    (5): MaxPool2d(kernel_size=2, stride=2, padding=0, dilation=1, ceil_mode=False)\n'
                   '    (6): Conv2d(128, 256, kernel_size=(3, 3), stride=(1, 1), padding=(1, 1))\n'
                   '    (7): ReLU(inplace=True)\n'
                   '    (8): Conv2d(256, 256, kernel_size=(3, 3), stride=(1, 1), padding=(1, 1))\n'
                   '    (9): ReLU(inplace=True)\n'
                   '    (10): MaxPool2d(kernel_size=2, stride=2, padding=0, dilation=1, ceil_mode=False)\n'
                   '    (11): Conv2d(256, 512, kernel_size=(3, 3), stride=(1, 1), padding=(1, 1))\n'
                   '    (12): ReLU(inplace=True)\n'
                   '    (13): Conv2d(512, 512, kernel_size=(3, 3), stride=(1, 1), padding=(1, 1))\n'
                   '    (14): ReLU(inplace=True)\n'
                   '    (15): MaxPool2d(kernel_size=2, stride=2, padding=0, dilation=1, ceil_mode=False)\n'
                   '    (16): Conv2d(512, 512, kernel_size=(3, 3), stride=(1, 1), padding=(1, 1))\n'
                   '    (17): ReLU(inplace=True)\n'
                   '    (18): Conv2d(512, 512, kernel_size=(3, 3), stride=(1, 1), padding=(1, 1))\n'
                   '    (19): ReLU(inplace=True)\n'
                   '    (20): MaxPool2d(kernel_size=2, stride=2, padding=0, dilation=1, ceil_mode=False)\n'
                   '  )\n'
                   '  (avgpool): AdaptiveAvgPool2d(output_size=(7, 7))\n'
                   '  (classifier): Sequential(\n'
                   '    (0): Linear(in_features=25088, out_features=4096, bias=True)\n'
                   '    (1): ReLU(inplace=True)\n'
                   '    (2): Dropout(p=0.5, inplace=False)\n'
                   '    (3): Linear(in_features=4096, out_features=4096, bias=True)\n'
                   '    (4): ReLU(inplace=True)\n'
                   '    (5): Dropout(p=0.5, inplace=False)\n'
                   '    (6): Linear(in_features=4096, out_features=1000, bias=True)\n'
                   '  )\n'
                   ')'},
 'state_dict': {'alexnet': [('features.0.weight', [64, 3, 11, 11], 'float32'), ('features.0.bias', [64], 'float32'),
                            ('features.3.weight', [192, 64, 5, 5], 'float32'), ('features.3.bias', [192], 'float32'),
                            ('features.6.weight', [384, 192, 3, 3], 'float32'), ('features.6.bias', [384], 'float32'),
                            ('features.8.weight', [256, 384, 3, 3], 'float32'), ('features.8.bias', [256], 'float32'),
                            ('features.10.weight', [256, 256, 3, 3], 'float32'),
                            ('features.10.bias', [256], 'float32'), ('classifier.1.weight', [4096, 9216], 'float32'),
                            ('classifier.1.bias', [4096], 'float32'),
                            ('classifier.4.weight', [4096, 4096], 'float32'),
                            ('classifier.4.bias', [4096], 'float32'),
                            ('classifier.6.weight', [1000, 4096], 'float32'),
                            ('classifier.6.bias', [1000], 'float32')],
                'mobilenet_v2': [('features.0.0.weight', [32, 3, 3, 3], 'float32'),
                                 ('features.0.1.weight', [32], 'float32'), ('features.0.1.bias', [32], 'float32'),
                                 ('features.0.1.running_mean', [32], 'float32'),
                                 ('features.0.1.running_var', [32], 'float32'),
                                 ('features.0.1.num_batches_tracked', [], 'int64'),
                                 ('features.1.conv.0.0.weight', [32, 1, 3, 3], 'float32'),
                                 ('features.1.conv.0.1.weight', [32], 'float32'),
                                 ('features.1.conv.0.1.bias', [32], 'float32'),
                                 ('features.1.conv.0.1.running_mean', [32], 'float32'),
                                 ('features.1.conv.0.1.running_var', [32], 'float32'),
                                 ('features.1.conv.0.1.num_batches_tracked', [], 'int64'),
                                 ('features.1.conv.1.weight', [16, 32, 1, 1], 'float32'),
                                 ('features.1.conv.2.weight', [16], 'float32'),
                                 ('features.1.conv.2.bias', [16], 'float32'),
                                 ('features.1.conv.2.running_mean', [16], 'float32'),
                                 ('features.1.conv.2.running_var', [16], 'float32'),
                                 ('features.1.conv.2.num_batches_tracked', [], 'int64'),
                                 ('features.2.conv.0.0.weight', [96, 16, 1, 1], 'float32'),
                                 ('features.2.conv.0.1.weight', [96], 'float32'),
                                 ('features.2.conv.0.1.bias', [96], 'float32'),
                                 ('features.2.conv.0.1.running_mean', [96], 'float32'),
                                 ('features.2.conv.0.1.running_var', [96], 'float32'),
                                 ('features.2.conv.0.1.num_batches_tracked', [], 'int64'),
                                 ('features.2.conv.1.0.weight', [96, 1, 3, 3], 'float32'),
                                 ('features.2.conv.1.1.weight', [96], 'float32'),
                                 ('features.2.conv.1.1.bias', [96], 'float32'),
                                 ('features.2.conv.1.1.running_mean', [96], 'float32'),
                                 ('features.2.conv.1.1.running_var', [96], 'float32'),
                                 ('features.2.conv.1.1.num_batches_tracked', [], 'int64'),
                                 ('features.2.conv.2.weight', [24, 96, 1, 1], 'float32'),
                                 ('features.2.conv.3.weight', [24], 'float32'),
                                 ('features.2.conv.3.bias', [24], 'float32'),
                                 ('features.2.conv.3.running_mean', [24], 'float32'),
                                 ('features.2.conv.3.running_var', [24], 'float32'),
                                 ('features.2.conv.3.num_batches_tracked', [], 'int64'),
                                 ('features.3.conv.0.0.weight', [144, 24, 1, 1], 'float32'),
                                 ('features.3.conv.0.1.weight', [144], 'float32'),
                                 ('features.3.conv.0.1.bias', [144], 'float32'),
                                 ('features.3.conv.0.1.running_mean', [144], 'float32'),
                                 ('features.3.conv.0.1.running_var', [144], 'float32'),
                                 ('features.3.conv.0.1.num_batches_tracked', [], 'int64'),
                                 ('features.3.conv.1.0.weight', [144, 1, 3, 3], 'float32'),
                                 ('features.3.conv.1.1.weight', [144], 'float32'),
                                 ('features.3.conv.1.1.bias', [144], 'float32'),
                                 ('features.3.conv.1.1.running_mean', [144], 'float32'),
                                 ('features.3.conv.1.1.running_var', [144], 'float32'),
                                 ('features.3.conv.1.1.num_batches_tracked', [], 'int64'),
                                 ('features.3.conv.2.weight', [24, 144, 1, 1], 'float32'),
                                 ('features.3.conv.3.weight', [24], 'float32'),
                                 ('features.3.conv.3.bias', [24], 'float32'),
                                 ('features.3.conv.3.running_mean', [24], 'float32'),
                                 ('features.3.conv.3.running_var', [24], 'float32'),
                                 ('features.3.conv.3.num_batches_tracked', [], 'int64'),
                                 ('features.4.conv.0.0.weight', [144, 24, 1, 1], 'float32'),
                                 ('features.4.conv.0.1.weight', [144], 'float32'),
                                 ('features.4.conv.0.1.bias', [144], 'float32'),
                                 ('features.4.conv.0.1.running_mean', [144], 'float32'),
                                 ('features.4.conv.0.1.running_var', [144], 'float32'),
                                 ('features.4.conv.0.1.num_batches_tracked', [], 'int64'),
                                 ('features.4.conv.1.0.weight', [144, 1, 3, 3], 'float32'),
                                 ('features.4.conv.1.1.weight', [144], 'float32'),
                                 ('features.4.conv.1.1.bias', [144], 'float32'),
                                 ('features.4.conv.1.1.running_mean', [144], 'float32'),
                                 ('features.4.conv.1.1.running_var', [144], 'float32'),
                                 ('features.4.conv.1.1.num_batches_tracked', [], 'int64'),
                                 ('features.4.conv.2.weight', [32, 144, 1, 1], 'float32'),
                                 ('features.4.conv.3.weight', [32], 'float32'),
                                 ('features.4.conv.3.bias', [32], 'float32'),
                                 ('features.4.conv.3.running_mean', [32], 'float32'),
                                 ('features.4.conv.3.running_var', [32], 'float32'),
                                 ('features.4.conv.3.num_batches_tracked', [], 'int64'),
                                 ('features.5.conv.0.0.weight', [192, 32, 1, 1], 'float32'),
                                 ('features.5.conv.0.1.weight', [192], 'float32'),
                                 ('features.5.conv.0.1.bias', [192], 'float32'),
                                 ('features.5.conv.0.1.running_mean', [192], 'float32'),
                                 ('features.5.conv.0.1.running_var', [192], 'float32'),
                                 ('features.5.conv.0.1.num_batches_tracked', [], 'int64'),
                                 ('features.5.conv.1.0.weight', [192, 1, 3, 3], 'float32'),
                                 ('features.5.conv.1.1.weight', [192], 'float32'),
                                 ('features.5.conv.1.1.bias', [192], 'float32'),
                                 ('features.5.conv.1.1.running_mean', [192], 'float32'),
                                 ('features.5.conv.1.1.running_var', [192], 'float32'),
                                 ('features.5.conv.1.1.num_batches_tracked', [], 'int64'),
                                 ('features.5.conv.2.weight', [32, 192, 1, 1], 'float32'),
                                 ('features.5.conv.3.weight', [32], 'float32'),
                                 ('features.5.conv.3.bias', [32], 'float32'),
                                 ('features.5.conv.3.running_mean', [32], 'float32'),
                                 ('features.5.conv.3.running_var', [32], 'float32'),
                                 ('features.5.conv.3.num_batches_tracked', [], 'int64'),
                                 ('features.6.conv.0.0.weight', [192, 32, 1, 1], 'float32'),
                                 ('features.6.conv.0.1.weight', [192], 'float32'),
                                 ('features.6.conv.0.1.bias', [192], 'float32'),
                                 ('features.6.conv.0.1.running_mean', [192], 'float32'),
                                 ('features.6.conv.0.1.running_var', [192], 'float32'),
                                 ('features.6.conv.0.1.num_batches_tracked', [], 'int64'),
                                 ('features.6.conv.1.0.weight', [192, 1, 3, 3], 'float32'),
                                 ('features.6.conv.1.1.weight', [192], 'float32'),
                                 ('features.6.conv.1.1.bias', [192], 'float32'),
                                 ('features.6.conv.1.1.running_mean', [192], 'float32'),
                                 ('features.6.conv.1.1.running_var', [192], 'float32'),
                                 ('features.6.conv.1.1.num_batches_tracked', [], 'int64'),
                                 ('features.6.conv.2.weight', [32, 192, 1, 1], 'float32'),
                                 ('features.6.conv.3.weight', [32], 'float32'),
                                 ('features.6.conv.3.bias', [32], 'float32'),
                                 ('features.6.conv.3.running_mean', [32], 'float32'),
                                 ('features.6.conv.3.running_var', [32], 'float32'),
                                 ('features.6.conv.3.num_batches_tracked', [], 'int64'),
                                 ('features.7.conv.0.0.weight', [192, 32, 1, 1], 'float32'),
                                 ('features.7.conv.0.1.weight', [192], 'float32'),
                                 ('features.7.conv.0.1.bias', [192], 'float32'),
                                 ('features.7.conv.0.1.running_mean', [192], 'float32'),
                                 ('features.7.conv.0.1.running_var', [192], 'float32'),
                                 ('features.7.conv.0.1.num_batches_tracked', [], 'int64'),
                                 ('features.7.conv.1.0.weight', [192, 1, 3, 3], 'float32'),
                                 ('features.7.conv.1.1.weight', [192], 'float32'),
                                 ('features.7.conv.1.1.bias', [192], 'float32'),
                                 ('features.7.conv.1.1.running_mean', [192], 'float32'),
                                 ('features.7.conv.1.1.running_var', [192], 'float32'),
                                 ('features.7.conv.1.1.num_batches_tracked', [], 'int64'),
                                 ('features.7.conv.2.weight', [64, 192, 1, 1], 'float32'),
                                 ('features.7.conv.3.weight', [64], 'float32'),
                                 ('features.7.conv.3.bias', [64], 'float32'),
                                 ('features.7.conv.3.running_mean', [64], 'float32'),
                                 ('features.7.conv.3.running_var', [64], 'float32'),
                                 ('features.7.conv.3.num_batches_tracked', [], 'int64'),
                                 ('features.8.conv.0.0.weight', [384, 64, 1, 1], 'float32'),
                                 ('features.8.conv.0.1.weight', [384], 'float32'),
                                 ('features.8.conv.0.1.bias', [384], 'float32'),
                                 ('features.8.conv.0.1.running_mean', [384], 'float32'),
                                 ('features.8.conv.0.1.running_var', [384], 'float32'),
                                 ('features.8.conv.0.1.num_batches_tracked', [], 'int64'),
                                 ('features.8.conv.1.0.weight', [384, 1, 3, 3], 'float32'),
                                 ('features.8.conv.1.1.weight', [384], 'float32'),
                                 ('features.8.conv.1.1.bias', [384], 'float32'),
                                 ('features.8.conv.1.1.running_mean', [384], 'float32'),
                                 ('features.8.conv.1.1.running_var', [384], 'float32'),
                                 ('features.8.conv.1.1.num_batches_tracked', [], 'int64'),
                                 ('features.8.conv.2.weight', [64, 384, 1, 1], 'float32'),
                                 ('features.8.conv.3.weight', [64], 'float32'),
                                 ('features.8.conv.3.bias', [64], 'float32'),
                                 ('features.8.conv.3.running_mean', [64], 'float32'),
                                 ('features.8.conv.3.running_var', [64], 'float32'),
                                 ('features.8.conv.3.num_batches_tracked', [], 'int64'),
                                 ('features.9.conv.0.0.weight', [384, 64, 1, 1], 'float32'),
                                 ('features.9.conv.0.1.weight', [384], 'float32'),
                                 ('features.9.conv.0.1.bias', [384], 'float32'),
                                 ('features.9.conv.0.1.running_mean', [384], 'float32'),
                                 ('features.9.conv.0.1.running_var', [384], 'float32'),
                                 ('features.9.conv.0.1.num_batches_tracked', [], 'int64'),
                                 ('features.9.conv.1.0.weight', [384, 1, 3, 3], 'float32'),
                                 ('features.9.conv.1.1.weight', [384], 'float32'),
                                 ('features.9.conv.1.1.bias', [384], 'float32'),
                                 ('features.9.conv.1.1.running_mean', [384], 'float32'),
                                 ('features.9.conv.1.1.running_var', [384], 'float32'),
                                 ('features.9.conv.1.1.num_batches_tracked', [], 'int64'),
                                 ('features.9.conv.2.weight', [64, 384, 1, 1], 'float32'),
                                 ('features.9.conv.3.weight', [64], 'float32'),
                                 ('features.9.conv.3.bias', [64], 'float32'),
                                 ('features.9.conv.3.running_mean', [64], 'float32'),
                                 ('features.9.conv.3.running_var', [64], 'float32'),
                                 ('features.9.conv.3.num_batches_tracked', [], 'int64'),
                                 ('features.10.conv.0.0.weight', [384, 64, 1, 1], 'float32'),
                                 ('features.10.conv.0.1.weight', [384], 'float32'),
                                 ('features.10.conv.0.1.bias', [384], 'float32'),
                                 ('features.10.conv.0.1.running_mean', [384], 'float32'),
                                 ('features.10.conv.0.1.running_var', [384], 'float32'),
                                 ('features.10.conv.0.1.num_batches_tracked', [], 'int64'),
                                 ('features.10.conv.1.0.weight', [384, 1, 3, 3], 'float32'),
                                 ('features.10.conv.1.1.weight', [384], 'float32'),
                                 ('features.10.conv.1.1.bias', [384], 'float32'),
                                 ('features.10.conv.1.1.running_mean', [384], 'float32'),
                                 ('features.10.conv.1.1.running_var', [384], 'float32'),
                                 ('features.10.conv.1.1.num_batches_tracked', [], 'int64'),
                                 ('features.10.conv.2.weight', [64, 384, 1, 1], 'float32'),
                                 ('features.10.conv.3.weight', [64], 'float32'),
                                 ('features.10.conv.3.bias', [64], 'float32'),
                                 ('features.10.conv.3.running_mean', [64], 'float32'),
                                 ('features.10.conv.3.running_var', [64], 'float32'),
                                 ('features.10.conv.3.num_batches_tracked', [], 'int64'),
                                 ('features.11.conv.0.0.weight', [384, 64, 1, 1], 'float32'),
                                 ('features.11.conv.0.1.weight', [384], 'float32'),
                                 ('features.11.conv.0.1.bias', [384], 'float32'),
                                 ('features.11.conv.0.1.running_mean', [384], 'float32'),
                                 ('features.11.conv.0.1.running_var', [384], 'float32'),
                                 ('features.11.conv.0.1.num_batches_tracked', [], 'int64'),
                                 ('features.11.conv.1.0.weight', [384, 1, 3, 3], 'float32'),
                                 ('features.11.conv.1.1.weight', [384], 'float32'),
                                 ('features.11.conv.1.1.bias', [384], 'float32'),
                                 ('features.11.conv.1.1.running_mean', [384], 'float32'),
                                 ('features.11.conv.1.1.running_var', [384], 'float32'),
                                 ('features.11.conv.1.1.num_batches_tracked', [], 'int64'),
                                 ('features.11.conv.2.weight', [96, 384, 1, 1], 'float32'),
                                 ('features.11.conv.3.weight', [96], 'float32'),
                                 ('features.11.conv.3.bias', [96], 'float32'),
                                 ('features.11.conv.3.running_mean', [96], 'float32'),
                                 ('features.11.conv.3.running_var', [96], 'float32'),
                                 ('features.11.conv.3.num_batches_tracked', [], 'int64'),
                                 ('features.12.conv.0.0.weight', [576, 96, 1, 1], 'float32'),
                                 ('features.12.conv.0.1.weight', [576], 'float32'),
                                 ('features.12.conv.0.1.bias', [576], 'float32'),
                                 ('features.12.conv.0.1.running_mean', [576], 'float32'),
                                 ('features.12.conv.0.1.running_var', [576], 'float32'),
                                 ('features.12.conv.0.1.num_batches_tracked', [], 'int64'),
                                 ('features.12.conv.1.0.weight', [576, 1, 3, 3], 'float32'),
                                 ('features.12.conv.1.1.weight', [576], 'float32'),
                                 ('features.12.conv.1.1.bias', [576], 'float32'),
                                 ('features.12.conv.1.1.running_mean', [576], 'float32'),
                                 ('features.12.conv.1.1.running_var', [576], 'float32'),
                                 ('features.12.conv.1.1.num_batches_tracked', [], 'int64'),
                                 ('features.12.conv.2.weight', [96, 576, 1, 1], 'float32'),
                                 ('features.12.conv.3.weight', [96], 'float32'),
                                 ('features.12.conv.3.bias', [96], 'float32'),
                                 ('features.12.conv.3.running_mean', [96], 'float32'),
                                 ('features.12.conv.3.running_var', [96], 'float32'),
                                 ('features.12.conv.3.num_batches_tracked', [], 'int64'),
                                 ('features.13.conv.0.0.weight', [576, 96, 1, 1], 'float32'),
                                 ('features.13.conv.0.1.weight', [576], 'float32'),
                                 ('features.13.conv.0.1.bias', [576], 'float32'),
                                 ('features.13.conv.0.1.running_mean', [576], 'float32'),
                                 ('features.13.conv.0.1.running_var', [576], 'float32'),
                                 ('features.13.conv.0.1.num_batches_tracked', [], 'int64'),
                                 ('features.13.conv.1.0.weight', [576, 1, 3, 3], 'float32'),
                                 ('features.13.conv.1.1.weight', [576], 'float32'),
                                 ('features.13.conv.1.1.bias', [576], 'float32'),
                                 ('features.13.conv.1.1.running_mean', [576], 'float32'),
                                 ('features.13.conv.1.1.running_var', [576], 'float32'),
                                 ('features.13.conv.1.1.num_batches_tracked', [], 'int64'),
                                 ('features.13.conv.2.weight', [96, 576, 1, 1], 'float32'),
                                 ('features.13.conv.3.weight', [96], 'float32'),
                                 ('features.13.conv.3.bias', [96], 'float32'),
                                 ('features.13.conv.3.running_mean', [96], 'float32'),
                                 ('features.13.conv.3.running_var', [96], 'float32'),
                                 ('features.13.conv.3.num_batches_tracked', [], 'int64'),
                                 ('features.14.conv.0.0.weight', [576, 96, 1, 1], 'float32'),
                                 ('features.14.conv.0.1.weight', [576], 'float32'),
                                 ('features.14.conv.0.1.bias', [576], 'float32'),
                                 ('features.14.conv.0.1.running_mean', [576], 'float32'),
                                 ('features.14.conv.0.1.running_var', [576], 'float32'),
                                 ('features.14.conv.0.1.num_batches_tracked', [], 'int64'),
                                 ('features.14.conv.1.0.weight', [576, 1, 3, 3], 'float32'),
                                 ('features.14.conv.1.1.weight', [576], 'float32'),
                                 ('features.14.conv.1.1.bias', [576], 'float32'),
                                 ('features.14.conv.1.1.running_mean', [576], 'float32'),
                                 ('features.14.conv.1.1.running_var', [576], 'float32'),
                                 ('features.14.conv.1.1.num_batches_tracked', [], 'int64'),
                                 ('features.14.conv.2.weight', [160, 576, 1, 1], 'float32'),
                                 ('features.14.conv.3.weight', [160], 'float32'),
                                 ('features.14.conv.3.bias', [160], 'float32'),
                                 ('features.14.conv.3.running_mean', [160], 'float32'),
                                 ('features.14.conv.3.running_var', [160], 'float32'),
                                 ('features.14.conv.3.num_batches_tracked', [], 'int64'),
                                 ('features.15.conv.0.0.weight', [960, 160, 1, 1], 'float32'),
                                 ('features.15.conv.0.1.weight', [960], 'float32'),
                                 ('features.15.conv.0.1.bias', [960], 'float32'),
                                 ('features.15.conv.0.1.running_mean', [960], 'float32'),
                                 ('features.15.conv.0.1.running_var', [960], 'float32'),
                                 ('features.15.conv.0.1.num_batches_tracked', [], 'int64'),
                                 ('features.15.conv.1.0.weight', [960, 1, 3, 3], 'float32'),
                                 ('features.15.conv.1.1.weight', [960], 'float32'),
                                 ('features.15.conv.1.1.bias', [960], 'float32'),
                                 ('features.15.conv.1.1.running_mean', [960], 'float32'),
                                 ('features.15.conv.1.1.running_var', [960], 'float32'),
                                 ('features.15.conv.1.1.num_batches_tracked', [], 'int64'),
                                 ('features.15.conv.2.weight', [160, 960, 1, 1], 'float32'),
                                 ('features.15.conv.3.weight', [160], 'float32'),
                                 ('features.15.conv.3.bias', [160], 'float32'),
                                 ('features.15.conv.3.running_mean', [160], 'float32'),
                                 ('features.15.conv.3.running_var', [160], 'float32'),
                                 ('features.15.conv.3.num_batches_tracked', [], 'int64'),
                                 ('features.16.conv.0.0.weight', [960, 160, 1, 1], 'float32'),
                                 ('features.16.conv.0.1.weight', [960], 'float32'),
                                 ('features.16.conv.0.1.bias', [960], 'float32'),
                                 ('features.16.conv.0.1.running_mean', [960], 'float32'),
                                 ('features.16.conv.0.1.running_var', [960], 'float32'),
                                 ('features.16.conv.0.1.num_batches_tracked', [], 'int64'),
                                 ('features.16.conv.1.0.weight', [960, 1, 3, 3], 'float32'),
                                 ('features.16.conv.1.1.weight', [960], 'float32'),
                                 ('features.16.conv.1.1.bias', [960], 'float32'),
                                 ('features.16.conv.1.1.running_mean', [960], 'float32'),
                                 ('features.16.conv.1.1.running_var', [960], 'float32'),
                                 ('features.16.conv.1.1.num_batches_tracked', [], 'int64'),
                                 ('features.16.conv.2.weight', [160, 960, 1, 1], 'float32'),
                                 ('features.16.conv.3.weight', [160], 'float32'),
                                 ('features.16.conv.3.bias', [160], 'float32'),
                                 ('features.16.conv.3.running_mean', [160], 'float32'),
                                 ('features.16.conv.3.running_var', [160], 'float32'),
                                 ('features.16.conv.3.num_batches_tracked', [], 'int64'),
                                 ('features.17.conv.0.0.weight', [960, 160, 1, 1], 'float32'),
                                 ('features.17.conv.0.1.weight', [960], 'float32'),
                                 ('features.17.conv.0.1.bias', [960], 'float32'),
                                 ('features.17.conv.0.1.running_mean', [960], 'float32'),
                                 ('features.17.conv.0.1.running_var', [960], 'float32'),
                                 ('features.17.conv.0.1.num_batches_tracked', [], 'int64'),
                                 ('features.17.conv.1.0.weight', [960, 1, 3, 3], 'float32'),
                                 ('features.17.conv.1.1.weight', [960], 'float32'),
                                 ('features.17.conv.1.1.bias', [960], 'float32'),
                                 ('features.17.conv.1.1.running_mean', [960], 'float32'),
                                 ('features.17.conv.1.1.running_var', [960], 'float32'),
                                 ('features.17.conv.1.1.num_batches_tracked', [], 'int64'),
                                 ('features.17.conv.2.weight', [320, 960, 1, 1], 'float32'),
                                 ('features.17.conv.3.weight', [320], 'float32'),
                                 ('features.17.conv.3.bias', [320], 'float32'),
                                 ('features.17.conv.3.running_mean', [320], 'float32'),
                                 ('features.17.conv.3.running_var', [320], 'float32'),
                                 ('features.17.conv.3.num_batches_tracked', [], 'int64'),
                                 ('features.18.0.weight', [1280, 320, 1, 1], 'float32'),
                                 ('features.18.1.weight', [1280], 'float32'),
                                 ('features.18.1.bias', [1280], 'float32'),
                                 ('features.18.1.running_mean', [1280], 'float32'),
                                 ('features.18.1.running_var', [1280], 'float32'),
                                 ('features.18.1.num_batches_tracked', [], 'int64'),
                                 ('classifier.1.weight', [1000, 1280], 'float32'),
                                 ('classifier.1.bias', [1000], 'float32')],
                'resnet18': [('conv1.weight', [64, 3, 7, 7], 'float32'), ('bn1.weight', [64], 'float32'),
                             ('bn1.bias', [64], 'float32'), ('bn1.running_mean', [64], 'float32'),
                             ('bn1.running_var', [64], 'float32'), ('bn1.num_batches_tracked', [], 'int64'),
                             ('layer1.0.conv1.weight', [64, 64, 3, 3], 'float32'),
                             ('layer1.0.bn1.weight', [64], 'float32'), ('layer1.0.bn1.bias', [64], 'float32'),
                             ('layer1.0.bn1.running_mean', [64], 'float32'),
                             ('layer1.0.bn1.running_var', [64], 'float32'),
                             ('layer1.0.bn1.num_batches_tracked', [], 'int64'),
                             ('layer1.0.conv2.weight', [64, 64, 3, 3], 'float32'),
                             ('layer1.0.bn2.weight', [64], 'float32'), ('layer1.0.bn2.bias', [64], 'float32'),
                             ('layer1.0.bn2.running_mean', [64], 'float32'),
                             ('layer1.0.bn2.running_var', [64], 'float32'),
                             ('layer1.0.bn2.num_batches_tracked', [], 'int64'),
                             ('layer1.1.conv1.weight', [64, 64, 3, 3], 'float32'),
                             ('layer1.1.bn1.weight', [64], 'float32'), ('layer1.1.bn1.bias', [64], 'float32'),
                             ('layer1.1.bn1.running_mean', [64], 'float32'),
                             ('layer1.1.bn1.running_var', [64], 'float32'),
                             ('layer1.1.bn1.num_batches_tracked', [], 'int64'),
                             ('layer1.1.conv2.weight', [64, 64, 3, 3], 'float32'),
                             ('layer1.1.bn2.weight', [64], 'float32'), ('layer1.1.bn2.bias', [64], 'float32'),
                             ('layer1.1.bn2.running_mean', [64], 'float32'),
                             ('layer1.1.bn2.running_var', [64], 'float32'),
                             ('layer1.1.bn2.num_batches_tracked', [], 'int64'),
                             ('layer2.0.conv1.weight', [128, 64, 3, 3], 'float32'),
                             ('layer2.0.bn1.weight', [128], 'float32'), ('layer2.0.bn1.bias', [128], 'float32'),
                             ('layer2.0.bn1.running_mean', [128], 'float32'),
                             ('layer2.0.bn1.running_var', [128], 'float32'),
                             ('layer2.0.bn1.num_batches_tracked', [], 'int64'),
                             ('layer2.0.conv2.weight', [128, 128, 3, 3], 'float32'),
                             ('layer2.0.bn2.weight', [128], 'float32'), ('layer2.0.bn2.bias', [128], 'float32'),
                             ('layer2.0.bn2.running_mean', [128], 'float32'),
                             ('layer2.0.bn2.running_var', [128], 'float32'),
                             ('layer2.0.bn2.num_batches_tracked', [], 'int64'),
                             ('layer2.0.downsample.0.weight', [128, 64, 1, 1], 'float32'),
                             ('layer2.0.downsample.1.weight', [128], 'float32'),
                             ('layer2.0.downsample.1.bias', [128], 'float32'),
                             ('layer2.0.downsample.1.running_mean', [128], 'float32'),
                             ('layer2.0.downsample.1.running_var', [128], 'float32'),
                             ('layer2.0.downsample.1.num_batches_tracked', [], 'int64'),
                             ('layer2.1.conv1.weight', [128, 128, 3, 3], 'float32'),
                             ('layer2.1.bn1.weight', [128], 'float32'), ('layer2.1.bn1.bias', [128], 'float32'),
                             ('layer2.1.bn1.running_mean', [128], 'float32'),
                             ('layer2.1.bn1.running_var', [128], 'float32'),
                             ('layer2.1.bn1.num_batches_tracked', [], 'int64'),
                             ('layer2.1.conv2.weight', [128, 128, 3, 3], 'float32'),
                             ('layer2.1.bn2.weight', [128], 'float32'), ('layer2.1.bn2.bias', [128], 'float32'),
                             ('layer2.1.bn2.running_mean', [128], 'float32'),
                             ('layer2.1.bn2.running_var', [128], 'float32'),
                             ('layer2.1.bn2.num_batches_tracked', [], 'int64'),
                             ('layer3.0.conv1.weight', [256, 128, 3, 3], 'float32'),
                             ('layer3.0.bn1.weight', [256], 'float32'), ('layer3.0.bn1.bias', [256], 'float32'),
                             ('layer3.0.bn1.running_mean', [256], 'float32'),
                             ('layer3.0.bn1.running_var', [256], 'float32'),
                             ('layer3.0.bn1.num_batches_tracked', [], 'int64'),
                             ('layer3.0.conv2.weight', [256, 256, 3, 3], 'float32'),
                             ('layer3.0.bn2.weight', [256], 'float32'), ('layer3.0.bn2.bias', [256], 'float32'),
                             ('layer3.0.bn2.running_mean', [256], 'float32'),
                             ('layer3.0.bn2.running_var', [256], 'float32'),
                             ('layer3.0.bn2.num_batches_tracked', [], 'int64'),
                             ('layer3.0.downsample.0.weight', [256, 128, 1, 1], 'float32'),
                             ('layer3.0.downsample.1.weight', [256], 'float32'),
                             ('layer3.0.downsample.1.bias', [256], 'float32'),
                             ('layer3.0.downsample.1.running_mean', [256], 'float32'),
                             ('layer3.0.downsample.1.running_var', [256], 'float32'),
                             ('layer3.0.downsample.1.num_batches_tracked', [], 'int64'),
                             ('layer3.1.conv1.weight', [256, 256, 3, 3], 'float32'),
                             ('layer3.1.bn1.weight', [256], 'float32'), ('layer3.1.bn1.bias', [256], 'float32'),
                             ('layer3.1.bn1.running_mean', [256], 'float32'),
                             ('layer3.1.bn1.running_var', [256], 'float32'),
                             ('layer3.1.bn1.num_batches_tracked', [], 'int64'),
                             ('layer3.1.conv2.weight', [256, 256, 3, 3], 'float32'),
                             ('layer3.1.bn2.weight', [256], 'float32'), ('layer3.1.bn2.bias', [256], 'float32'),
                             ('layer3.1.bn2.running_mean', [256], 'float32'),
                             ('layer3.1.bn2.running_var', [256], 'float32'),
                             ('layer3.1.bn2.num_batches_tracked', [], 'int64'),
                             ('layer4.0.conv1.weight', [512, 256, 3, 3], 'float32'),
                             ('layer4.0.bn1.weight', [512], 'float32'), ('layer4.0.bn1.bias', [512], 'float32'),
                             ('layer4.0.bn1.running_mean', [512], 'float32'),
                             ('layer4.0.bn1.running_var', [512], 'float32'),
                             ('layer4.0.bn1.num_batches_tracked', [], 'int64'),
                             ('layer4.0.conv2.weight', [512, 512, 3, 3], 'float32'),
                             ('layer4.0.bn2.weight', [512], 'float32'), ('layer4.0.bn2.bias', [512], 'float32'),
                             ('layer4.0.bn2.running_mean', [512], 'float32'),
                             ('layer4.0.bn2.running_var', [512], 'float32'),
                             ('layer4.0.bn2.num_batches_tracked', [], 'int64'),
                             ('layer4.0.downsample.0.weight', [512, 256, 1, 1], 'float32'),
                             ('layer4.0.downsample.1.weight', [512], 'float32'),
                             ('layer4.0.downsample.1.bias', [512], 'float32'),
                             ('layer4.0.downsample.1.running_mean', [512], 'float32'),
                             ('layer4.0.downsample.1.running_var', [512], 'float32'),
                             ('layer4.0.downsample.1.num_batches_tracked', [], 'int64'),
                             ('layer4.1.conv1.weight', [512, 512, 3, 3], 'float32'),
                             ('layer4.1.bn1.weight', [512], 'float32'), ('layer4.1.bn1.bias', [512], 'float32'),
                             ('layer4.1.bn1.running_mean', [512], 'float32'),
                             ('layer4.1.bn1.running_var', [512], 'float32'),
                             ('layer4.1.bn1.num_batches_tracked', [], 'int64'),
                             ('layer4.1.conv2.weight', [512, 512, 3, 3], 'float32'),
                             ('layer4.1.bn2.weight', [512], 'float32'), ('layer4.1.bn2.bias', [512], 'float32'),
                             ('layer4.1.bn2.running_mean', [512], 'float32'),
                             ('layer4.1.bn2.running_var', [512], 'float32'),
                             ('layer4.1.bn2.num_batches_tracked', [], 'int64'), ('fc.weight', [1000, 512], 'float32'),
                             ('fc.bias', [1000], 'float32')],
                'resnet18_c10': [('conv1.weight', [64, 3, 7, 7], 'float32'), ('bn1.weight', [64], 'float32'),
                                 ('bn1.bias', [64], 'float32'), ('bn1.running_mean', [64], 'float32'),
                                 ('bn1.running_var', [64], 'float32'), ('bn1.num_batches_tracked', [], 'int64'),
                                 ('layer1.0.conv1.weight', [64, 64, 3, 3], 'float32'),
                                 ('layer1.0.bn1.weight', [64], 'float32'), ('layer1.0.bn1.bias', [64], 'float32'),
                                 ('layer1.0.bn1.running_mean', [64], 'float32'),
                                 ('layer1.0.bn1.running_var', [64], 'float32'),
                                 ('layer1.0.bn1.num_batches_tracked', [], 'int64'),
                                 ('layer1.0.conv2.weight', [64, 64, 3, 3], 'float32'),
                                 ('layer1.0.bn2.weight', [64], 'float32'), ('layer1.0.bn2.bias', [64], 'float32'),
                                 ('layer1.0.bn2.running_mean', [64], 'float32'),
                                 ('layer1.0.bn2.running_var', [64], 'float32'),
                                 ('layer1.0.bn2.num_batches_tracked', [], 'int64'),
                                 ('layer1.1.conv1.weight', [64, 64, 3, 3], 'float32'),
                                 ('layer1.1.bn1.weight', [64], 'float32'), ('layer1.1.bn1.bias', [64], 'float32'),
                                 ('layer1.1.bn1.running_mean', [64], 'float32'),
                                 ('layer1.1.bn1.running_var', [64], 'float32'),
                                 ('layer1.1.bn1.num_batches_tracked', [], 'int64'),
                                 ('layer1.1.conv2.weight', [64, 64, 3, 3], 'float32'),
                                 ('layer1.1.bn2.weight', [64], 'float32'), ('layer1.1.bn2.bias', [64], 'float32'),
                                 ('layer1.1.bn2.running_mean', [64], 'float32'),
                                 ('layer1.1.bn2.running_var', [64], 'float32'),
                                 ('layer1.1.bn2.num_batches_tracked', [], 'int64'),
                                 ('layer2.0.conv1.weight', [128, 64, 3, 3], 'float32'),
                                 ('layer2.0.bn1.weight', [128], 'float32'), ('layer2.0.bn1.bias', [128], 'float32'),
                                 ('layer2.0.bn1.running_mean', [128], 'float32'),
                                 ('layer2.0.bn1.running_var', [128], 'float32'),
                                 ('layer2.0.bn1.num_batches_tracked', [], 'int64'),
                                 ('layer2.0.conv2.weight', [128, 128, 3, 3], 'float32'),
                                 ('layer2.0.bn2.weight', [128], 'float32'), ('layer2.0.bn2.bias', [128], 'float32'),
                                 ('layer2.0.bn2.running_mean', [128], 'float32'),
                                 ('layer2.0.bn2.running_var', [128], 'float32'),
                                 ('layer2.0.bn2.num_batches_tracked', [], 'int64'),
                                 ('layer2.0.downsample.0.weight', [128, 64, 1, 1], 'float32'),
                                 ('layer2.0.downsample.1.weight', [128], 'float32'),
                                 ('layer2.0.downsample.1.bias', [128], 'float32'),
                                 ('layer2.0.downsample.1.running_mean', [128], 'float32'),
                                 ('layer2.0.downsample.1.running_var', [128], 'float32'),
                                 ('layer2.0.downsample.1.num_batches_tracked', [], 'int64'),
                                 ('layer2.1.conv1.weight', [128, 128, 3, 3], 'float32'),
                                 ('layer2.1.bn1.weight', [128], 'float32'), ('layer2.1.bn1.bias', [128], 'float32'),
                                 ('layer2.1.bn1.running_mean', [128], 'float32'),
                                 ('layer2.1.bn1.running_var', [128], 'float32'),
                                 ('layer2.1.bn1.num_batches_tracked', [], 'int64'),
                                 ('layer2.1.conv2.weight', [128, 128, 3, 3], 'float32'),
                                 ('layer2.1.bn2.weight', [128], 'float32'), ('layer2.1.bn2.bias', [128], 'float32'),
                                 ('layer2.1.bn2.running_mean', [128], 'float32'),
                                 ('layer2.1.bn2.running_var', [128], 'float32'),
                                 ('layer2.1.bn2.num_batches_tracked', [], 'int64'),
                                 ('layer3.0.conv1.weight', [256, 128, 3, 3], 'float32'),
                                 ('layer3.0.bn1.weight', [256], 'float32'), ('layer3.0.bn1.bias', [256], 'float32'),
                                 ('layer3.0.bn1.running_mean', [256], 'float32'),
                                 ('layer3.0.bn1.running_var', [256], 'float32'),
                                 ('layer3.0.bn1.num_batches_tracked', [], 'int64'),
                                 ('layer3.0.conv2.weight', [256, 256, 3, 3], 'float32'),
                                 ('layer3.0.bn2.weight', [256], 'float32'), ('layer3.0.bn2.bias', [256], 'float32'),
                                 ('layer3.0.bn2.running_mean', [256], 'float32'),
                                 ('layer3.0.bn2.running_var', [256], 'float32'),
                                 ('layer3.0.bn2.num_batches_tracked', [], 'int64'),
                                 ('layer3.0.downsample.0.weight', [256, 128, 1, 1], 'float32'),
                                 ('layer3.0.downsample.1.weight', [256], 'float32'),
                                 ('layer3.0.downsample.1.bias', [256], 'float32'),
                                 ('layer3.0.downsample.1.running_mean', [256], 'float32'),
                                 ('layer3.0.downsample.1.running_var', [256], 'float32'),
                                 ('layer3.0.downsample.1.num_batches_tracked', [], 'int64'),
                                 ('layer3.1.conv1.weight', [256, 256, 3, 3], 'float32'),
                                 ('layer3.1.bn1.weight', [256], 'float32'), ('layer3.1.bn1.bias', [256], 'float32'),
                                 ('layer3.1.bn1.running_mean', [256], 'float32'),
                                 ('layer3.1.bn1.running_var', [256], 'float32'),
                                 ('layer3.1.bn1.num_batches_tracked', [], 'int64'),
                                 ('layer3.1.conv2.weight', [256, 256, 3, 3], 'float32'),
                                 ('layer3.1.bn2.weight', [256], 'float32'), ('layer3.1.bn2.bias', [256], 'float32'),
                                 ('layer3.1.bn2.running_mean', [256], 'float32'),
                                 ('layer3.1.bn2.running_var', [256], 'float32'),
                                 ('layer3.1.bn2.num_batches_tracked', [], 'int64'),
                                 ('layer4.0.conv1.weight', [512, 256, 3, 3], 'float32'),
                                 ('layer4.0.bn1.weight', [512], 'float32'), ('layer4.0.bn1.bias', [512], 'float32'),
                                 ('layer4.0.bn1.running_mean', [512], 'float32'),
                                 ('layer4.0.bn1.running_var', [512], 'float32'),
                                 ('layer4.0.bn1.num_batches_tracked', [], 'int64'),
                                 ('layer4.0.conv2.weight', [512, 512, 3, 3], 'float32'),
                                 ('layer4.0.bn2.weight', [512], 'float32'), ('layer4.0.bn2.bias', [512], 'float32'),
                                 ('layer4.0.bn2.running_mean', [512], 'float32'),
                                 ('layer4.0.bn2.running_var', [512], 'float32'),
                                 ('layer4.0.bn2.num_batches_tracked', [], 'int64'),
                                 ('layer4.0.downsample.0.weight', [512, 256, 1, 1], 'float32'),
                                 ('layer4.0.downsample.1.weight', [512], 'float32'),
                                 ('layer4.0.downsample.1.bias', [512], 'float32'),
                                 ('layer4.0.downsample.1.running_mean', [512], 'float32'),
                                 ('layer4.0.downsample.1.running_var', [512], 'float32'),
                                 ('layer4.0.downsample.1.num_batches_tracked', [], 'int64'),
                                 ('layer4.1.conv1.weight', [512, 512, 3, 3], 'float32'),
                                 ('layer4.1.bn1.weight', [512], 'float32'), ('layer4.1.bn1.bias', [512], 'float32'),
                                 ('layer4.1.bn1.running_mean', [512], 'float32'),
                                 ('layer4.1.bn1.running_var', [512], 'float32'),
                                 ('layer4.1.bn1.num_batches_tracked', [], 'int64'),
                                 ('layer4.1.conv2.weight', [512, 512, 3, 3], 'float32'),
                                 ('layer4.1.bn2.weight', [512], 'float32'), ('layer4.1.bn2.bias', [512], 'float32'),
                                 ('layer4.1.bn2.running_mean', [512], 'float32'),
                                 ('layer4.1.bn2.running_var', [512], 'float32'),
                                 ('layer4.1.bn2.num_batches_tracked', [], 'int64'),
                                 ('fc.weight', [10, 512], 'float32'), ('fc.bias', [10], 'float32')],
                'resnet34': [('conv1.weight', [64, 3, 7, 7], 'float32'), ('bn1.weight', [64], 'float32'),
                             ('bn1.bias', [64], 'float32'), ('bn1.running_mean', [64], 'float32'),
                             ('bn1.running_var', [64], 'float32'), ('bn1.num_batches_tracked', [], 'int64'),
                             ('layer1.0.conv1.weight', [64, 64, 3, 3], 'float32'),
                             ('layer1.0.bn1.weight', [64], 'float32'), ('layer1.0.bn1.bias', [64], 'float32'),
                             ('layer1.0.bn1.running_mean', [64], 'float32'),
                             ('layer1.0.bn1.running_var', [64], 'float32'),
                             ('layer1.0.bn1.num_batches_tracked', [], 'int64'),
                             ('layer1.0.conv2.weight', [64, 64, 3, 3], 'float32'),
                             ('layer1.0.bn2.weight', [64], 'float32'), ('layer1.0.bn2.bias', [64], 'float32'),
                             ('layer1.0.bn2.running_mean', [64], 'float32'),
                             ('layer1.0.bn2.running_var', [64], 'float32'),
                             ('layer1.0.bn2.num_batches_tracked', [], 'int64'),
                             ('layer1.1.conv1.weight', [64, 64, 3, 3], 'float32'),
                             ('layer1.1.bn1.weight', [64], 'float32'), ('layer1.1.bn1.bias', [64], 'float32'),
                             ('layer1.1.bn1.running_mean', [64], 'float32'),
                             ('layer1.1.bn1.running_var', [64], 'float32'),
                             ('layer1.1.bn1.num_batches_tracked', [], 'int64'),
                             ('layer1.1.conv2.weight', [64, 64, 3, 3], 'float32'),
                             ('layer1.1.bn2.weight', [64], 'float32'), ('layer1.1.bn2.bias', [64], 'float32'),
                             ('layer1.1.bn2.running_mean', [64], 'float32'),
                             ('layer1.1.bn2.running_var', [64], 'float32'),
                             ('layer1.1.bn2.num_batches_tracked', [], 'int64'),
                             ('layer1.2.conv1.weight', [64, 64, 3, 3], 'float32'),
                             ('layer1.2.bn1.weight', [64], 'float32'), ('layer1.2.bn1.bias', [64], 'float32'),
                             ('layer1.2.bn1.running_mean', [64], 'float32'),
                             ('layer1.2.bn1.running_var', [64], 'float32'),
                             ('layer1.2.bn1.num_batches_tracked', [], 'int64'),
                             ('layer1.2.conv2.weight', [64, 64, 3, 3], 'float32'),
                             ('layer1.2.bn2.weight', [64], 'float32'), ('layer1.2.bn2.bias', [64], 'float32'),
                             ('layer1.2.bn2.running_mean', [64], 'float32'),
                             ('layer1.2.bn2.running_var', [64], 'float32'),
                             ('layer1.2.bn2.num_batches_tracked', [], 'int64'),
                             ('layer2.0.conv1.weight', [128, 64, 3, 3], 'float32'),
                             ('layer2.0.bn1.weight', [128], 'float32'), ('layer2.0.bn1.bias', [128], 'float32'),
                             ('layer2.0.bn1.running_mean', [128], 'float32'),
                             ('layer2.0.bn1.running_var', [128], 'float32'),
                             ('layer2.0.bn1.num_batches_tracked', [], 'int64'),
                             ('layer2.0.conv2.weight', [128, 128, 3, 3], 'float32'),
                             ('layer2.0.bn2.weight', [128], 'float32'), ('layer2.0.bn2.bias', [128], 'float32'),
                             ('layer2.0.bn2.running_mean', [128], 'float32'),
                             ('layer2.0.bn2.running_var', [128], 'float32'),
                             ('layer2.0.bn2.num_batches_tracked', [], 'int64'),
                             ('layer2.0.downsample.0.weight', [128, 64, 1, 1], 'float32'),
                             ('layer2.0.downsample.1.weight', [128], 'float32'),
                             ('layer2.0.downsample.1.bias', [128], 'float32'),
                             ('layer2.0.downsample.1.running_mean', [128], 'float32'),
                             ('layer2.0.downsample.1.running_var', [128], 'float32'),
                             ('layer2.0.downsample.1.num_batches_tracked', [], 'int64'),
                             ('layer2.1.conv1.weight', [128, 128, 3, 3], 'float32'),
                             ('layer2.1.bn1.weight', [128], 'float32'), ('layer2.1.bn1.bias', [128], 'float32'),
                             ('layer2.1.bn1.running_mean', [128], 'float32'),
                             ('layer2.1.bn1.running_var', [128], 'float32'),
                             ('layer2.1.bn1.num_batches_tracked', [], 'int64'),
                             ('layer2.1.conv2.weight', [128, 128, 3, 3], 'float32'),
                             ('layer2.1.bn2.weight', [128], 'float32'), ('layer2.1.bn2.bias', [128], 'float32'),
                             ('layer2.1.bn2.running_mean', [128], 'float32'),
                             ('layer2.1.bn2.running_var', [128], 'float32'),
                             ('layer2.1.bn2.num_batches_tracked', [], 'int64'),
                             ('layer2.2.conv1.weight', [128, 128, 3, 3], 'float32'),
                             ('layer2.2.bn1.weight', [128], 'float32'), ('layer2.2.bn1.bias', [128], 'float32'),
                             ('layer2.2.bn1.running_mean', [128], 'float32'),
                             ('layer2.2.bn1.running_var', [128], 'float32'),
                             ('layer2.2.bn1.num_batches_tracked', [], 'int64'),
                             ('layer2.2.conv2.weight', [128, 128, 3, 3], 'float32'),
                             ('layer2.2.bn2.weight', [128], 'float32'), ('layer2.2.bn2.bias', [128], 'float32'),
                             ('layer2.2.bn2.running_mean', [128], 'float32'),
                             ('layer2.2.bn2.running_var', [128], 'float32'),
                             ('layer2.2.bn2.num_batches_tracked', [], 'int64'),
                             ('layer2.3.conv1.weight', [128, 128, 3, 3], 'float32'),
                             ('layer2.3.bn1.weight', [128], 'float32'), ('layer2.3.bn1.bias', [128], 'float32'),
                             ('layer2.3.bn1.running_mean', [128], 'float32'),
                             ('layer2.3.bn1.running_var', [128], 'float32'),
                             ('layer2.3.bn1.num_batches_tracked', [], 'int64'),
                             ('layer2.3.conv2.weight', [128, 128, 3, 3], 'float32'),
                             ('layer2.3.bn2.weight', [128], 'float32'), ('layer2.3.bn2.bias', [128], 'float32'),
                             ('layer2.3.bn2.running_mean', [128], 'float32'),
                             ('layer2.3.bn2.running_var', [128], 'float32'),
                             ('layer2.3.bn2.num_batches_tracked', [], 'int64'),
                             ('layer3.0.conv1.weight', [256, 128, 3, 3], 'float32'),
                             ('layer3.0.bn1.weight', [256], 'float32'), ('layer3.0.bn1.bias', [256], 'float32'),
                             ('layer3.0.bn1.running_mean', [256], 'float32'),
                             ('layer3.0.bn1.running_var', [256], 'float32'),
                             ('layer3.0.bn1.num_batches_tracked', [], 'int64'),
                             ('layer3.0.conv2.weight', [256, 256, 3, 3], 'float32'),
                             ('layer3.0.bn2.weight', [256], 'float32'), ('layer3.0.bn2.bias', [256], 'float32'),
                             ('layer3.0.bn2.running_mean', [256], 'float32'),
                             ('layer3.0.bn2.running_var', [256], 'float32'),
                             ('layer3.0.bn2.num_batches_tracked', [], 'int64'),
                             ('layer3.0.downsample.0.weight', [256, 128, 1, 1], 'float32'),
                             ('layer3.0.downsample.1.weight', [256], 'float32'),
                             ('layer3.0.downsample.1.bias', [256], 'float32'),
                             ('layer3.0.downsample.1.running_mean', [256], 'float32'),
                             ('layer3.0.downsample.1.running_var', [256], 'float32'),
                             ('layer3.0.downsample.1.num_batches_tracked', [], 'int64'),
                             ('layer3.1.conv1.weight', [256, 256, 3, 3], 'float32'),
                             ('layer3.1.bn1.weight', [256], 'float32'), ('layer3.1.bn1.bias', [256], 'float32'),
                             ('layer3.1.bn1.running_mean', [256], 'float32'),
                             ('layer3.1.bn1.running_var', [256], 'float32'),
                             ('layer3.1.bn1.num_batches_tracked', [], 'int64'),
                             ('layer3.1.conv2.weight', [256, 256, 3, 3], 'float32'),
                             ('layer3.1.bn2.weight', [256], 'float32'), ('layer3.1.bn2.bias', [256], 'float32'),
                             ('layer3.1.bn2.running_mean', [256], 'float32'),
                             ('layer3.1.bn2.running_var', [256], 'float32'),
                             ('layer3.1.bn2.num_batches_tracked', [], 'int64'),
                             ('layer3.2.conv1.weight', [256, 256, 3, 3], 'float32'),
                             ('layer3.2.bn1.weight', [256], 'float32'), ('layer3.2.bn1.bias', [256], 'float32'),
                             ('layer3.2.bn1.running_mean', [256], 'float32'),
                             ('layer3.2.bn1.running_var', [256], 'float32'),
                             ('layer3.2.bn1.num_batches_tracked', [], 'int64'),
                             ('layer3.2.conv2.weight', [256, 256, 3, 3], 'float32'),
                             ('layer3.2.bn2.weight', [256], 'float32'), ('layer3.2.bn2.bias', [256], 'float32'),
                             ('layer3.2.bn2.running_mean', [256], 'float32'),
                             ('layer3.2.bn2.running_var', [256], 'float32'),
                             ('layer3.2.bn2.num_batches_tracked', [], 'int64'),
                             ('layer3.3.conv1.weight', [256, 256, 3, 3], 'float32'),
                             ('layer3.3.bn1.weight', [256], 'float32'), ('layer3.3.bn1.bias', [256], 'float32'),
                             ('layer3.3.bn1.running_mean', [256], 'float32'),
                             ('layer3.3.bn1.running_var', [256], 'float32'),
                             ('layer3.3.bn1.num_batches_tracked', [], 'int64'),
                             ('layer3.3.conv2.weight', [256, 256, 3, 3], 'float32'),
                             ('layer3.3.bn2.weight', [256], 'float32'), ('layer3.3.bn2.bias', [256], 'float32'),
                             ('layer3.3.bn2.running_mean', [256], 'float32'),
                             ('layer3.3.bn2.running_var', [256], 'float32'),
                             ('layer3.3.bn2.num_batches_tracked', [], 'int64'),
                             ('layer3.4.conv1.weight', [256, 256, 3, 3], 'float32'),
                             ('layer3.4.bn1.weight', [256], 'float32'), ('layer3.4.bn1.bias', [256], 'float32'),
                             ('layer3.4.bn1.running_mean', [256], 'float32'),
                             ('layer3.4.bn1.running_var', [256], 'float32'),
                             ('layer3.4.bn1.num_batches_tracked', [], 'int64'),
                             ('layer3.4.conv2.weight', [256, 256, 3, 3], 'float32'),
                             ('layer3.4.bn2.weight', [256], 'float32'), ('layer3.4.bn2.bias', [256], 'float32'),
                             ('layer3.4.bn2.running_mean', [256], 'float32'),
                             ('layer3.4.bn2.running_var', [256], 'float32'),
                             ('layer3.4.bn2.num_batches_tracked', [], 'int64'),
                             ('layer3.5.conv1.weight', [256, 256, 3, 3], 'float32'),
                             ('layer3.5.bn1.weight', [256], 'float32'), ('layer3.5.bn1.bias', [256], 'float32'),
                             ('layer3.5.bn1.running_mean', [256], 'float32'),
                             ('layer3.5.bn1.running_var', [256], 'float32'),
                             ('layer3.5.bn1.num_batches_tracked', [], 'int64'),
                             ('layer3.5.conv2.weight', [256, 256, 3, 3], 'float32'),
                             ('layer3.5.bn2.weight', [256], 'float32'), ('layer3.5.bn2.bias', [256], 'float32'),
                             ('layer3.5.bn2.running_mean', [256], 'float32'),
                             ('layer3.5.bn2.running_var', [256], 'float32'),
                             ('layer3.5.bn2.num_batches_tracked', [], 'int64'),
                             ('layer4.0.conv1.weight', [512, 256, 3, 3], 'float32'),
                             ('layer4.0.bn1.weight', [512], 'float32'), ('layer4.0.bn1.bias', [512], 'float32'),
                             ('layer4.0.bn1.running_mean', [512], 'float32'),
                             ('layer4.0.bn1.running_var', [512], 'float32'),
                             ('layer4.0.bn1.num_batches_tracked', [], 'int64'),
                             ('layer4.0.conv2.weight', [512, 512, 3, 3], 'float32'),
                             ('layer4.0.bn2.weight', [512], 'float32'), ('layer4.0.bn2.bias', [512], 'float32'),
                             ('layer4.0.bn2.running_mean', [512], 'float32'),
                             ('layer4.0.bn2.running_var', [512], 'float32'),
                             ('layer4.0.bn2.num_batches_tracked', [], 'int64'),
                             ('layer4.0.downsample.0.weight', [512, 256, 1, 1], 'float32'),
                             ('layer4.0.downsample.1.weight', [512], 'float32'),
                             ('layer4.0.downsample.1.bias', [512], 'float32'),
                             ('layer4.0.downsample.1.running_mean', [512], 'float32'),
                             ('layer4.0.downsample.1.running_var', [512], 'float32'),
                             ('layer4.0.downsample.1.num_batches_tracked', [], 'int64'),
                             ('layer4.1.conv1.weight', [512, 512, 3, 3], 'float32'),
                             ('layer4.1.bn1.weight', [512], 'float32'), ('layer4.1.bn1.bias', [512], 'float32'),
                             ('layer4.1.bn1.running_mean', [512], 'float32'),
                             ('layer4.1.bn1.running_var', [512], 'float32'),
                             ('layer4.1.bn1.num_batches_tracked', [], 'int64'),
                             ('layer4.1.conv2.weight', [512, 512, 3, 3], 'float32'),
                             ('layer4.1.bn2.weight', [512], 'float32'), ('layer4.1.bn2.bias', [512], 'float32'),
                             ('layer4.1.bn2.running_mean', [512], 'float32'),
                             ('layer4.1.bn2.running_var', [512], 'float32'),
                             ('layer4.1.bn2.num_batches_tracked', [], 'int64'),
                             ('layer4.2.conv1.weight', [512, 512, 3, 3], 'float32'),
                             ('layer4.2.bn1.weight', [512], 'float32'), ('layer4.2.bn1.bias', [512], 'float32'),
                             ('layer4.2.bn1.running_mean', [512], 'float32'),
                             ('layer4.2.bn1.running_var', [512], 'float32'),
                             ('layer4.2.bn1.num_batches_tracked', [], 'int64'),
                             ('layer4.2.conv2.weight', [512, 512, 3, 3], 'float32'),
                             ('layer4.2.bn2.weight', [512], 'float32'), ('layer4.2.bn2.bias', [512], 'float32'),
                             ('layer4.2.bn2.running_mean', [512], 'float32'),
                             ('layer4.2.bn2.running_var', [512], 'float32'),
                             ('layer4.2.bn2.num_batches_tracked', [], 'int64'), ('fc.weight', [1000, 512], 'float32'),
                             ('fc.bias', [1000], 'float32')],
                'resnet50': [('conv1.weight', [64, 3, 7, 7], 'float32'), ('bn1.weight', [64], 'float32'),
                             ('bn1.bias', [64], 'float32'), ('bn1.running_mean', [64], 'float32'),
                             ('bn1.running_var', [64], 'float32'), ('bn1.num_batches_tracked', [], 'int64'),
                             ('layer1.0.conv1.weight', [64, 64, 1, 1], 'float32'),
                             ('layer1.0.bn1.weight', [64], 'float32'), ('layer1.0.bn1.bias', [64], 'float32'),
                             ('layer1.0.bn1.running_mean', [64], 'float32'),
                             ('layer1.0.bn1.running_var', [64], 'float32'),
                             ('layer1.0.bn1.num_batches_tracked', [], 'int64'),
                             ('layer1.0.conv2.weight', [64, 64, 3, 3], 'float32'),
                             ('layer1.0.bn2.weight', [64], 'float32'), ('layer1.0.bn2.bias', [64], 'float32'),
                             ('layer1.0.bn2.running_mean', [64], 'float32'),
                             ('layer1.0.bn2.running_var', [64], 'float32'),
                             ('layer1.0.bn2.num_batches_tracked', [], 'int64'),
                             ('layer1.0.conv3.weight', [256, 64, 1, 1], 'float32'),
                             ('layer1.0.bn3.weight', [256], 'float32'), ('layer1.0.bn3.bias', [256], 'float32'),
                             ('layer1.0.bn3.running_mean', [256], 'float32'),
                             ('layer1.0.bn3.running_var', [256], 'float32'),
                             ('layer1.0.bn3.num_batches_tracked', [], 'int64'),
                             ('layer1.0.downsample.0.weight', [256, 64, 1, 1], 'float32'),
                             ('layer1.0.downsample.1.weight', [256], 'float32'),
                             ('layer1.0.downsample.1.bias', [256], 'float32'),
                             ('layer1.0.downsample.1.running_mean', [256], 'float32'),
                             ('layer1.0.downsample.1.running_var', [256], 'float32'),
                             ('layer1.0.downsample.1.num_batches_tracked', [], 'int64'),
                             ('layer1.1.conv1.weight', [64, 256, 1, 1], 'float32'),
                             ('layer1.1.bn1.weight', [64], 'float32'), ('layer1.1.bn1.bias', [64], 'float32'),
                             ('layer1.1.bn1.running_mean', [64], 'float32'),
                             ('layer1.1.bn1.running_var', [64], 'float32'),
                             ('layer1.1.bn1.num_batches_tracked', [], 'int64'),
                             ('layer1.1.conv2.weight', [64, 64, 3, 3], 'float32'),
                             ('layer1.1.bn2.weight', [64], 'float32'), ('layer1.1.bn2.bias', [64], 'float32'),
                             ('layer1.1.bn2.running_mean', [64], 'float32'),
                             ('layer1.1.bn2.running_var', [64], 'float32'),
                             ('layer1.1.bn2.num_batches_tracked', [], 'int64'),
                             ('layer1.1.conv3.weight', [256, 64, 1, 1], 'float32'),
                             ('layer1.1.bn3.weight', [256], 'float32'), ('layer1.1.bn3.bias', [256], 'float32'),
                             ('layer1.1.bn3.running_mean', [256], 'float32'),
                             ('layer1.1.bn3.running_var', [256], 'float32'),
                             ('layer1.1.bn3.num_batches_tracked', [], 'int64'),
                             ('layer1.2.conv1.weight', [64, 256, 1, 1], 'float32'),
                             ('layer1.2.bn1.weight', [64], 'float32'), ('layer1.2.bn1.bias', [64], 'float32'),
                             ('layer1.2.bn1.running_mean', [64], 'float32'),
                             ('layer1.2.bn1.running_var', [64], 'float32'),
                             ('layer1.2.bn1.num_batches_tracked', [], 'int64'),
                             ('layer1.2.conv2.weight', [64, 64, 3, 3], 'float32'),
                             ('layer1.2.bn2.weight', [64], 'float32'), ('layer1.2.bn2.bias', [64], 'float32'),
                             ('layer1.2.bn2.running_mean', [64], 'float32'),
                             ('layer1.2.bn2.running_var', [64], 'float32'),
                             ('layer1.2.bn2.num_batches_tracked', [], 'int64'),
                             ('layer1.2.conv3.weight', [256, 64, 1, 1], 'float32'),
                             ('layer1.2.bn3.weight', [256], 'float32'), ('layer1.2.bn3.bias', [256], 'float32'),
                             ('layer1.2.bn3.running_mean', [256], 'float32'),
                             ('layer1.2.bn3.running_var', [256], 'float32'),
                             ('layer1.2.bn3.num_batches_tracked', [], 'int64'),
                             ('layer2.0.conv1.weight', [128, 256, 1, 1], 'float32'),
                             ('layer2.0.bn1.weight', [128], 'float32'), ('layer2.0.bn1.bias', [128], 'float32'),
                             ('layer2.0.bn1.running_mean', [128], 'float32'),
                             ('layer2.0.bn1.running_var', [128], 'float32'),
                             ('layer2.0.bn1.num_batches_tracked', [], 'int64'),
                             ('layer2.0.conv2.weight', [128, 128, 3, 3], 'float32'),
                             ('layer2.0.bn2.weight', [128], 'float32'), ('layer2.0.bn2.bias', [128], 'float32'),
                             ('layer2.0.bn2.running_mean', [128], 'float32'),
                             ('layer2.0.bn2.running_var', [128], 'float32'),
                             ('layer2.0.bn2.num_batches_tracked', [], 'int64'),
                             ('layer2.0.conv3.weight', [512, 128, 1, 1], 'float32'),
                             ('layer2.0.bn3.weight', [512], 'float32'), ('layer2.0.bn3.bias', [512], 'float32'),
                             ('layer2.0.bn3.running_mean', [512], 'float32'),
                             ('layer2.0.bn3.running_var', [512], 'float32'),
                             ('layer2.0.bn3.num_batches_tracked', [], 'int64'),
                             ('layer2.0.downsample.0.weight', [512, 256, 1, 1], 'float32'),
                             ('layer2.0.downsample.1.weight', [512], 'float32'),
                             ('layer2.0.downsample.1.bias', [512], 'float32'),
                             ('layer2.0.downsample.1.running_mean', [512], 'float32'),
                             ('layer2.0.downsample.1.running_var', [512], 'float32'),
                             ('layer2.0.downsample.1.num_batches_tracked', [], 'int64'),
                             ('layer2.1.conv1.weight', [128, 512, 1, 1], 'float32'),
                             ('layer2.1.bn1.weight', [128], 'float32'), ('layer2.1.bn1.bias', [128], 'float32'),
                             ('layer2.1.bn1.running_mean', [128], 'float32'),
                             ('layer2.1.bn1.running_var', [128], 'float32'),
                             ('layer2.1.bn1.num_batches_tracked', [], 'int64'),
                             ('layer2.1.conv2.weight', [128, 128, 3, 3], 'float32'),
                             ('layer2.1.bn2.weight', [128], 'float32'), ('layer2.1.bn2.bias', [128], 'float32'),
                             ('layer2.1.bn2.running_mean', [128], 'float32'),
                             ('layer2.1.bn2.running_var', [128], 'float32'),
                             ('layer2.1.bn2.num_batches_tracked', [], 'int64'),
                             ('layer2.1.conv3.weight', [512, 128, 1, 1], 'float32'),
                             ('layer2.1.bn3.weight', [512], 'float32'), ('layer2.1.bn3.bias', [512], 'float32'),
                             ('layer2.1.bn3.running_mean', [512], 'float32'),
                             ('layer2.1.bn3.running_var', [512], 'float32'),
                             ('layer2.1.bn3.num_batches_tracked', [], 'int64'),
                             ('layer2.2.conv1.weight', [128, 512, 1, 1], 'float32'),
                             ('layer2.2.bn1.weight', [128], 'float32'), ('layer2.2.bn1.bias', [128], 'float32'),
                             ('layer2.2.bn1.running_mean', [128], 'float32'),
                             ('layer2.2.bn1.running_var', [128], 'float32'),
                             ('layer2.2.bn1.num_batches_tracked', [], 'int64'),
                             ('layer2.2.conv2.weight', [128, 128, 3, 3], 'float32'),
                             ('layer2.2.bn2.weight', [128], 'float32'), ('layer2.2.bn2.bias', [128], 'float32'),
                             ('layer2.2.bn2.running_mean', [128], 'float32'),
                             ('layer2.2.bn2.running_var', [128], 'float32'),
                             ('layer2.2.bn2.num_batches_tracked', [], 'int64'),
                             ('layer2.2.conv3.weight', [512, 128, 1, 1], 'float32'),
                             ('layer2.2.bn3.weight', [512], 'float32'), ('layer2.2.bn3.bias', [512], 'float32'),
                             ('layer2.2.bn3.running_mean', [512], 'float32'),
                             ('layer2.2.bn3.running_var', [512], 'float32'),
                             ('layer2.2.bn3.num_batches_tracked', [], 'int64'),
                             ('layer2.3.conv1.weight', [128, 512, 1, 1], 'float32'),
                             ('layer2.3.bn1.weight', [128], 'float32'), ('layer2.3.bn1.bias', [128], 'float32'),
                             ('layer2.3.bn1.running_mean', [128], 'float32'),
                             ('layer2.3.bn1.running_var', [128], 'float32'),
                             ('layer2.3.bn1.num_batches_tracked', [], 'int64'),
                             ('layer2.3.conv2.weight', [128, 128, 3, 3], 'float32'),
                             ('layer2.3.bn2.weight', [128], 'float32'), ('layer2.3.bn2.bias', [128], 'float32'),
                             ('layer2.3.bn2.running_mean', [128], 'float32'),
                             ('layer2.3.bn2.running_var', [128], 'float32'),
                             ('layer2.3.bn2.num_batches_tracked', [], 'int64'),
                             ('layer2.3.conv3.weight', [512, 128, 1, 1], 'float32'),
                             ('layer2.3.bn3.weight', [512], 'float32'), ('layer2.3.bn3.bias', [512], 'float32'),
                             ('layer2.3.bn3.running_mean', [512], 'float32'),
                             ('layer2.3.bn3.running_var', [512], 'float32'),
                             ('layer2.3.bn3.num_batches_tracked', [], 'int64'),
                             ('layer3.0.conv1.weight', [256, 512, 1, 1], 'float32'),
                             ('layer3.0.bn1.weight', [256], 'float32'), ('layer3.0.bn1.bias', [256], 'float32'),
                             ('layer3.0.bn1.running_mean', [256], 'float32'),
                             ('layer3.0.bn1.running_var', [256], 'float32'),
                             ('layer3.0.bn1.num_batches_tracked', [], 'int64'),
                             ('layer3.0.conv2.weight', [256, 256, 3, 3], 'float32'),
                             ('layer3.0.bn2.weight', [256], 'float32'), ('layer3.0.bn2.bias', [256], 'float32'),
                             ('layer3.0.bn2.running_mean', [256], 'float32'),
                             ('layer3.0.bn2.running_var', [256], 'float32'),
                             ('layer3.0.bn2.num_batches_tracked', [], 'int64'),
                             ('layer3.0.conv3.weight', [1024, 256, 1, 1], 'float32'),
                             ('layer3.0.bn3.weight', [1024], 'float32'), ('layer3.0.bn3.bias', [1024], 'float32'),
                             ('layer3.0.bn3.running_mean', [1024], 'float32'),
                             ('layer3.0.bn3.running_var', [1024], 'float32'),
                             ('layer3.0.bn3.num_batches_tracked', [], 'int64'),
                             ('layer3.0.downsample.0.weight', [1024, 512, 1, 1], 'float32'),
                             ('layer3.0.downsample.1.weight', [1024], 'float32'),
                             ('layer3.0.downsample.1.bias', [1024], 'float32'),
                             ('layer3.0.downsample.1.running_mean', [1024], 'float32'),
                             ('layer3.0.downsample.1.running_var', [1024], 'float32'),
                             ('layer3.0.downsample.1.num_batches_tracked', [], 'int64'),
                             ('layer3.1.conv1.weight', [256, 1024, 1, 1], 'float32'),
                             ('layer3.1.bn1.weight', [256], 'float32'), ('layer3.1.bn1.bias', [256], 'float32'),
                             ('layer3.1.bn1.running_mean', [256], 'float32'),
                             ('layer3.1.bn1.running_var', [256], 'float32'),
                             ('layer3.1.bn1.num_batches_tracked', [], 'int64'),
                             ('layer3.1.conv2.weight', [256, 256, 3, 3], 'float32'),
                             ('layer3.1.bn2.weight', [256], 'float32'), ('layer3.1.bn2.bias', [256], 'float32'),
                             ('layer3.1.bn2.running_mean', [256], 'float32'),
                             ('layer3.1.bn2.running_var', [256], 'float32'),
                             ('layer3.1.bn2.num_batches_tracked', [], 'int64'),
                             ('layer3.1.conv3.weight', [1024, 256, 1, 1], 'float32'),
                             ('layer3.1.bn3.weight', [1024], 'float32'), ('layer3.1.bn3.bias', [1024], 'float32'),
                             ('layer3.1.bn3.running_mean', [1024], 'float32'),
                             ('layer3.1.bn3.running_var', [1024], 'float32'),
                             ('layer3.1.bn3.num_batches_tracked', [], 'int64'),
                             ('layer3.2.conv1.weight', [256, 1024, 1, 1], 'float32'),
                             ('layer3.2.bn1.weight', [256], 'float32'), ('layer3.2.bn1.bias', [256], 'float32'),
                             ('layer3.2.bn1.running_mean', [256], 'float32'),
                             ('layer3.2.bn1.running_var', [256], 'float32'),
                             ('layer3.2.bn1.num_batches_tracked', [], 'int64'),
                             ('layer3.2.conv2.weight', [256, 256, 3, 3], 'float32'),
                             ('layer3.2.bn2.weight', [256], 'float32'), ('layer3.2.bn2.bias', [256], 'float32'),
                             ('layer3.2.bn2.running_mean', [256], 'float32'),
                             ('layer3.2.bn2.running_var', [256], 'float32'),
                             ('layer3.2.bn2.num_batches_tracked', [], 'int64'),
                             ('layer3.2.conv3.weight', [1024, 256, 1, 1], 'float32'),
                             ('layer3.2.bn3.weight', [1024], 'float32'), ('layer3.2.bn3.bias', [1024], 'float32'),
                             ('layer3.2.bn3.running_mean', [1024], 'float32'),
                             ('layer3.2.bn3.running_var', [1024], 'float32'),
                             ('layer3.2.bn3.num_batches_tracked', [], 'int64'),
                             ('layer3.3.conv1.weight', [256, 1024, 1, 1], 'float32'),
                             ('layer3.3.bn1.weight', [256], 'float32'), ('layer3.3.bn1.bias', [256], 'float32'),
                             ('layer3.3.bn1.running_mean', [256], 'float32'),
                             ('layer3.3.bn1.running_var', [256], 'float32'),
                             ('layer3.3.bn1.num_batches_tracked', [], 'int64'),
                             ('layer3.3.conv2.weight', [256, 256, 3, 3], 'float32'),
                             ('layer3.3.bn2.weight', [256], 'float32'), ('layer3.3.bn2.bias', [256], 'float32'),
                             ('layer3.3.bn2.running_mean', [256], 'float32'),
                             ('layer3.3.bn2.running_var', [256], 'float32'),
                             ('layer3.3.bn2.num_batches_tracked', [], 'int64'),
                             ('layer3.3.conv3.weight', [1024, 256, 1, 1], 'float32'),
                             ('layer3.3.bn3.weight', [1024], 'float32'), ('layer3.3.bn3.bias', [1024], 'float32'),
                             ('layer3.3.bn3.running_mean', [1024], 'float32'),
                             ('layer3.3.bn3.running_var', [1024], 'float32'),
                             ('layer3.3.bn3.num_batches_tracked', [], 'int64'),
                             ('layer3.4.conv1.weight', [256, 1024, 1, 1], 'float32'),
                             ('layer3.4.bn1.weight', [256], 'float32'), ('layer3.4.bn1.bias', [256], 'float32'),
                             ('layer3.4.bn1.running_mean', [256], 'float32'),
                             ('layer3.4.bn1.running_var', [256], 'float32'),
                             ('layer3.4.bn1.num_batches_tracked', [], 'int64'),
                             ('layer3.4.conv2.weight', [256, 256, 3, 3], 'float32'),
                             ('layer3.4.bn2.weight', [256], 'float32'), ('layer3.4.bn2.bias', [256], 'float32'),
                             ('layer3.4.bn2.running_mean', [256], 'float32'),
                             ('layer3.4.bn2.running_var', [256], 'float32'),
                             ('layer3.4.bn2.num_batches_tracked', [], 'int64'),
                             ('layer3.4.conv3.weight', [1024, 256, 1, 1], 'float32'),
                             ('layer3.4.bn3.weight', [1024], 'float32'), ('layer3.4.bn3.bias', [1024], 'float32'),
                             ('layer3.4.bn3.running_mean', [1024], 'float32'),
                             ('layer3.4.bn3.running_var', [1024], 'float32'),
                             ('layer3.4.bn3.num_batches_tracked', [], 'int64'),
                             ('layer3.5.conv1.weight', [256, 1024, 1, 1], 'float32'),
                             ('layer3.5.bn1.weight', [256], 'float32'), ('layer3.5.bn1.bias', [256], 'float32'),
                             ('layer3.5.bn1.running_mean', [256], 'float32'),
                             ('layer3.5.bn1.running_var', [256], 'float32'),
                             ('layer3.5.bn1.num_batches_tracked', [], 'int64'),
                             ('layer3.5.conv2.weight', [256, 256, 3, 3], 'float32'),
                             ('layer3.5.bn2.weight', [256], 'float32'), ('layer3.5.bn2.bias', [256], 'float32'),
                             ('layer3.5.bn2.running_mean', [256], 'float32'),
                             ('layer3.5.bn2.running_var', [256], 'float32'),
                             ('layer3.5.bn2.num_batches_tracked', [], 'int64'),
                             ('layer3.5.conv3.weight', [1024, 256, 1, 1], 'float32'),
                             ('layer3.5.bn3.weight', [1024], 'float32'), ('layer3.5.bn3.bias', [1024], 'float32'),
                             ('layer3.5.bn3.running_mean', [1024], 'float32'),
                             ('layer3.5.bn3.running_var', [1024], 'float32'),
                             ('layer3.5.bn3.num_batches_tracked', [], 'int64'),
                             ('layer4.0.conv1.weight', [512, 1024, 1, 1], 'float32'),
                             ('layer4.0.bn1.weight', [512], 'float32'), ('layer4.0.bn1.bias', [512], 'float32'),
                             ('layer4.0.bn1.running_mean', [512], 'float32'),
                             ('layer4.0.bn1.running_var', [512], 'float32'),
                             ('layer4.0.bn1.num_batches_tracked', [], 'int64'),
                             ('layer4.0.conv2.weight', [512, 512, 3, 3], 'float32'),
                             ('layer4.0.bn2.weight', [512], 'float32'), ('layer4.0.bn2.bias', [512], 'float32'),
                             ('layer4.0.bn2.running_mean', [512], 'float32'),
                             ('layer4.0.bn2.running_var', [512], 'float32'),
                             ('layer4.0.bn2.num_batches_tracked', [], 'int64'),
                             ('layer4.0.conv3.weight', [2048, 512, 1, 1], 'float32'),
                             ('layer4.0.bn3.weight', [2048], 'float32'), ('layer4.0.bn3.bias', [2048], 'float32'),
                             ('layer4.0.bn3.running_mean', [2048], 'float32'),
                             ('layer4.0.bn3.running_var', [2048], 'float32'),
                             ('layer4.0.bn3.num_batches_tracked', [], 'int64'),
                             ('layer4.0.downsample.0.weight', [2048, 1024, 1, 1], 'float32'),
                             ('layer4.0.downsample.1.weight', [2048], 'float32'),
                             ('layer4.0.downsample.1.bias', [2048], 'float32'),
                             ('layer4.0.downsample.1.running_mean', [2048], 'float32'),
                             ('layer4.0.downsample.1.running_var', [2048], 'float32'),
                             ('layer4.0.downsample.1.num_batches_tracked', [], 'int64'),
                             ('layer4.1.conv1.weight', [512, 2048, 1, 1], 'float32'),
                             ('layer4.1.bn1.weight', [512], 'float32'), ('layer4.1.bn1.bias', [512], 'float32'),
                             ('layer4.1.bn1.running_mean', [512], 'float32'),
                             ('layer4.1.bn1.running_var', [512], 'float32'),
                             ('layer4.1.bn1.num_batches_tracked', [], 'int64'),
                             ('layer4.1.conv2.weight', [512, 512, 3, 3], 'float32'),
                             ('layer4.1.bn2.weight', [512], 'float32'), ('layer4.1.bn2.bias', [512], 'float32'),
                             ('layer4.1.bn2.running_mean', [512], 'float32'),
                             ('layer4.1.bn2.running_var', [512], 'float32'),
                             ('layer4.1.bn2.num_batches_tracked', [], 'int64'),
                             ('layer4.1.conv3.weight', [2048, 512, 1, 1], 'float32'),
                             ('layer4.1.bn3.weight', [2048], 'float32'), ('layer4.1.bn3.bias', [2048], 'float32'),
                             ('layer4.1.bn3.running_mean', [2048], 'float32'),
                             ('layer4.1.bn3.running_var', [2048], 'float32'),
                             ('layer4.1.bn3.num_batches_tracked', [], 'int64'),
                             ('layer4.2.conv1.weight', [512, 2048, 1, 1], 'float32'),
                             ('layer4.2.bn1.weight', [512], 'float32'), ('layer4.2.bn1.bias', [512], 'float32'),
                             ('layer4.2.bn1.running_mean', [512], 'float32'),
                             ('layer4.2.bn1.running_var', [512], 'float32'),
                             ('layer4.2.bn1.num_batches_tracked', [], 'int64'),
                             ('layer4.2.conv2.weight', [512, 512, 3, 3], 'float32'),
                             ('layer4.2.bn2.weight', [512], 'float32'), ('layer4.2.bn2.bias', [512], 'float32'),
                             ('layer4.2.bn2.running_mean', [512], 'float32'),
                             ('layer4.2.bn2.running_var', [512], 'float32'),
                             ('layer4.2.bn2.num_batches_tracked', [], 'int64'),
                             ('layer4.2.conv3.weight', [2048, 512, 1, 1], 'float32'),
                             ('layer4.2.bn3.weight', [2048], 'float32'), ('layer4.2.bn3.bias', [2048], 'float32'),
                             ('layer4.2.bn3.running_mean', [2048], 'float32'),
                             ('layer4.2.bn3.running_var', [2048], 'float32'),
                             ('layer4.2.bn3.num_batches_tracked', [], 'int64'),
                             ('fc.weight', [1000, 2048], 'float32'), ('fc.bias', [1000], 'float32')],
                'vgg11': [('features.0.weight', [64, 3, 3, 3], 'float32'), ('features.0.bias', [64], 'float32'),
                          ('features.3.weight', [128, 64, 3, 3], 'float32'), ('features.3.bias', [128], 'float32'),
                          ('features.6.weight', [256, 128, 3, 3], 'float32'), ('features.6.bias', [256], 'float32'),
                          ('features.8.weight', [256, 256, 3, 3], 'float32'), ('features.8.bias', [256], 'float32'),
                          ('features.11.weight', [512, 256, 3, 3], 'float32'), ('features.11.bias', [512], 'float32'),
                          ('features.13.weight', [512, 512, 3, 3], 'float32'), ('features.13.bias', [512], 'float32'),
                          ('features.16.weight', [512, 512, 3, 3], 'float32'), ('features.16.bias', [512], 'float32'),
                          ('features.18.weight', [512, 512, 3, 3], 'float32'), ('features.18.bias', [512], 'float32'),
                          ('classifier.0.weight', [4096, 25088], 'float32'), ('classifier.0.bias', [4096], 'float32'),
                          ('classifier.3.weight', [4096, 4096], 'float32'), ('classifier.3.bias', [4096], 'float32'),
                          ('classifier.6.weight', [1000, 4096], 'float32'),
                          ('classifier.6.bias', [1000], 'float32')]},
 'values': {'mobilenet_v2': {'eval': [0.04526007920503616, 0.16052894294261932, 0.09212777018547058,
                                      0.1767764538526535, 0.007098647765815258, -0.12393181025981903,
                                      -0.03342122584581375, -0.15042178332805634, -0.06355147808790207,
                                      -0.12332195788621902, 0.04525967687368393, 0.16052846610546112,
                                      0.0921277403831482, 0.17677679657936096, 0.007098894566297531,
                                      -0.12393177300691605, -0.03342095762491226, -0.1504214107990265,
                                      -0.06355137377977371, -0.12332224100828171, 0.04525955766439438,
                                      0.16052821278572083, 0.0921277105808258, 0.1767769455909729,
                                      0.007098703645169735, -0.12393192946910858, -0.03342083841562271,
                                      -0.1504211574792862, -0.06355149298906326, -0.1233225092291832,
                                      0.045259349048137665, 0.16052831709384918, 0.09212735295295715,
                                      0.17677676677703857, 0.0070985350757837296, -0.1239316537976265,
                                      -0.03342080116271973, -0.1504211276769638, -0.0635514184832573,
                                      -0.12332213670015335],
                             'first_conv_grad': [-31671.95713337032, -38230.2401209497, -8122.4711122728695,
                                                 31565.921014989042, 3560.6411149969576, -6262.043679085741,
                                                 -3201.0963724453663, -36306.749688578464, -46020.122988254305,
                                                 -6792.859833573446, -7475.703884330622, -6542.600417067032,
                                                 15254.677600580644, 26284.65764240603, 26393.84952716876,
                                                 -5042.064962639336, -6065.959098946685, -5952.258445225198,
                                                 -3783.5948130567726, -10291.079339831615],
                             'first_conv_grad_sum': 30571620.26198025,
                             'first_running_mean': [-0.08976543350347563, 0.021146270064794522, -0.04815036232792241,
                                                    0.06420665207175466, -0.005461070748868401, -0.07435405733922712,
                                                    0.03791832500130045, -0.03163221529506353, 0.08014537203193721,
                                                    0.011870878338507224, -0.05806377493287301, 0.05461225328527867,
                                                    -0.014716931209550286, -0.08390288320648824, 0.026995796220301058,
                                                    -0.04051047171583956, 0.0694246712076353, 0.00129991334981795,
                                                    -0.06799671535475016, 0.043155868640461476, -0.025307427059797407,
                                                    0.08579958903608878, 0.0180719669626271, -0.05147857175330793,
                                                    0.059068546840251666, -0.007975478908869356, -0.07791013131510184,
                                                    0.03386745605203489, -0.0345632893342914, 0.07625075640757811,
                                                    0.0071494389997636635, -0.06035682806734568],
                             'last_grad': [4.0, 8.0, 12.0, 16.0, 20.0, 24.0, 28.0, 32.0, 36.0, 40.0],
                             'train': [3.3847293378272827, 2.6113731602621906, 0.3716068115669234,
                                       -0.6224867048681779, -1.7178885128620078, -1.498113332219925,
                                       -1.9535430978376742, -1.811212189384418, -1.3262471788250338,
                                       -0.1283193057166321, 7.694000317041082, 4.6491930483084865, 1.1733937382528823,
                                       -1.3288259736595338, -2.4531677995042345, -3.427179242104674,
                                       -3.8414095330394713, -3.757403636341911, -2.258017990478575,
                                       -0.6860789434551235, 4.717454089387058, 2.236138815881877, 1.036667979588043,
                                       0.05836170130992002, -1.5990201899139609, -2.653103223499402,
                                       -2.456292371712699, -2.140156940649107, -1.5633218775057935,
                                       -0.7709328602734367, 5.421631980271729, 2.347851187463123, 0.6912192932792837,
                                       -0.4875581057332806, -1.424573253430683, -2.6945359476503583,
                                       -2.515078841314613, -2.37791044120618, -1.6548316294184655,
                                       -0.9578542896788848]},
            'resnet18': {'eval': [0.07464047521352768, -0.007055096328258514, -0.14677393436431885,
                                  0.17245110869407654, -0.20684552192687988, 0.10646224021911621,
                                  -0.10275489091873169, 0.14931079745292664, 0.04194268211722374,
                                  -0.029322190210223198, 0.0453559085726738, 0.007727352902293205,
                                  -0.14162243902683258, 0.16829966008663177, -0.19455382227897644, 0.0846969485282898,
                                  -0.08936676383018494, 0.12354056537151337, 0.055291030555963516,
                                  -0.02438121847808361, 0.08290319889783859, -0.007929524406790733,
                                  -0.14025123417377472, 0.17229051887989044, -0.20922625064849854,
                                  0.10217723250389099, -0.10491743683815002, 0.15705713629722595, 0.03862060606479645,
                                  -0.02114548720419407, 0.08034517616033554, -0.008810440078377724,
                                  -0.14958731830120087, 0.17159274220466614, -0.21388669312000275,
                                  0.11399887502193451, -0.1059950441122055, 0.15870055556297302, 0.04214351996779442,
                                  -0.027942603453993797],
                         'first_conv_grad': [7.764448186193636, 32.52425452362223, 48.93122986854754,
                                             46.3933224015855, 21.501900626829656, -56.16862681603438,
                                             -77.73153033908972, -39.87485188277289, -93.54901620869393,
                                             -92.54055223934965, -44.39887854569222, 51.8347859322302,
                                             12.517325871439514, 125.02083970132375, 91.28696427798106,
                                             94.81164330271652, -62.98933235887906, 13.492500327095557,
                                             0.4026401694091514, -20.37560521140437],
                         'first_conv_grad_sum': 1013045.6279664505,
                         'first_running_mean': [-0.08970294014620246, 0.021144728391393898, -0.04770068612192837,
                                                0.06368269494244656, -0.0050427385094613374, -0.07376259498347729,
                                                0.037386414527694894, -0.031255318664429724, 0.07997181244682432,
                                                0.011073387914615568, -0.05774970516808404, 0.05397408111698594,
                                                -0.014770886999847447, -0.08356607492551707, 0.02740435812696301,
                                                -0.041455007272658696, 0.06997581023613089, 0.0012531632518321927,
                                                -0.06751970294640702, 0.04353164362017661, -0.024766892560208933,
                                                0.08615890097532872, 0.017266053448768776, -0.051138512915533355,
                                                0.05974821646802231, -0.008977217861544947, -0.07798725203612841,
                                                0.03399880760981977, -0.034807542729765696, 0.07606523573260146,
                                                0.00759928802937195, -0.061703714914978246, 0.05001448762484777,
                                                -0.018440298554848793, -0.08765401322474038, 0.02330525905950853,
                                                -0.04505466441729409, 0.06599668882737929, -0.00247484238463722,
                                                -0.07135094489831995, 0.0399347766344281, -0.029337533496358554,
                                                0.0819342438471823, 0.014082132048068404, -0.05515669678762576,
                                                0.05641083611719704, -0.01301772318308371, -0.08131347170341567,
                                                0.029871806778057706, -0.038984766750706716, 0.07239861434976379,
                                                0.0032407023892921274, -0.06523640772922903, 0.04610233057948372,
                                                -0.022539399267617086, 0.08830268721832038, 0.019789305649490274,
                                                -0.049393718787041796, 0.06269000050390959, -0.0065851023225448856,
                                                -0.07485015553228735, 0.03612027581721763, -0.03311576202260105,
                                                0.07866661799819817],
                         'last_grad': [4.0, 8.0, 12.0, 16.0, 20.0, 24.0, 28.0, 32.0, 36.0, 40.0],
                         'train': [5.212774810872193, -1.9534313357661315, 1.01540750101462, -1.0135144291049532,
                                   -0.9958844842995042, 0.6216566579500438, -1.9967981097892142, 4.744786807381082,
                                   -2.57044043017204, 1.9380352547875703, 7.2730681688181305, -4.911469930677262,
                                   2.6364766191427647, -2.271024610309402, -0.9507834506256313, 1.9551148638577587,
                                   -3.3772291673087493, 6.765949136087942, -4.620392836855022, 3.549711476782211,
                                   9.594391638755113, -3.1185082476959374, 2.6704861569586744, -2.465062174157481,
                                   -1.2886117868893534, 0.7021807730521563, -3.5583637075607397, 6.111477531016626,
                                   -3.3727233396580654, 4.577361639980449, 7.903689192360284, -3.8186151290142383,
                                   2.687943709693416, -2.4949810200930624, -1.348279710477106, 0.8914894714592646,
                                   -4.329447886756634, 7.4251557473939735, -4.253807648451952, 3.9734957236743025]},
            'resnet50': {'eval': [2.064818859100342, -0.9362848401069641, -0.985844075679779, 0.7777512669563293,
                                  0.9794254302978516, -1.2870732545852661, -0.6226030588150024, 1.1657084226608276,
                                  0.20058974623680115, -1.2949347496032715, 2.0239033699035645, -0.9279512166976929,
                                  -0.9672195315361023, 0.77298903465271, 0.95683753490448, -1.2719544172286987,
                                  -0.6033775806427002, 1.152929663658142, 0.18986544013023376, -1.2740695476531982,
                                  2.0088865756988525, -0.923674464225769, -0.9591359496116638, 0.7705076336860657,
                                  0.9484801292419434, -1.2649650573730469, -0.597184419631958, 1.1482913494110107,
                                  0.18586301803588867, -1.2659096717834473, 2.084900140762329, -0.9411699175834656,
                                  -0.996296226978302, 0.777449905872345, 0.9923344254493713, -1.293333649635315,
                                  -0.6341445446014404, 1.174750804901123, 0.20486143231391907, -1.3030866384506226],
                         'first_conv_grad': [-77003.04088935489, -132888.0443752192, -74223.1360465925,
                                             -81838.30239804146, -70973.3474134195, 27885.13896090081,
                                             41571.98382661446, 50061.56299267813, 75704.05706359314,
                                             75185.61985637853, 232565.4201692153, -87499.23566743822,
                                             -172186.8741599817, -76551.08472662569, -110779.71181548304,
                                             -139743.6452767088, -50274.726183592626, -1155.9892455956324,
                                             -6988.103023200916, -21045.66529059622],
                         'first_conv_grad_sum': 1095408616.0737834,
                         'first_running_mean': [-0.08970294014620246, 0.021144728391393898, -0.04770068612192837,
                                                0.06368269494244656, -0.0050427385094613374, -0.07376259498347729,
                                                0.037386414527694894, -0.031255318664429724, 0.07997181244682432,
                                                0.011073387914615568, -0.05774970516808404, 0.05397408111698594,
                                                -0.014770886999847447, -0.08356607492551707, 0.02740435812696301,
                                                -0.041455007272658696, 0.06997581023613089, 0.0012531632518321927,
                                                -0.06751970294640702, 0.04353164362017661, -0.024766892560208933,
                                                0.08615890097532872, 0.017266053448768776, -0.051138512915533355,
                                                0.05974821646802231, -0.008977217861544947, -0.07798725203612841,
                                                0.03399880760981977, -0.034807542729765696, 0.07606523573260146,
                                                0.00759928802937195, -0.061703714914978246, 0.05001448762484777,
                                                -0.018440298554848793, -0.08765401322474038, 0.02330525905950853,
                                                -0.04505466441729409, 0.06599668882737929, -0.00247484238463722,
                                                -0.07135094489831995, 0.0399347766344281, -0.029337533496358554,
                                                0.0819342438471823, 0.014082132048068404, -0.05515669678762576,
                                                0.05641083611719704, -0.01301772318308371, -0.08131347170341567,
                                                0.029871806778057706, -0.038984766750706716, 0.07239861434976379,
                                                0.0032407023892921274, -0.06523640772922903, 0.04610233057948372,
                                                -0.022539399267617086, 0.08830268721832038, 0.019789305649490274,
                                                -0.049393718787041796, 0.06269000050390959, -0.0065851023225448856,
                                                -0.07485015553228735, 0.03612027581721763, -0.03311576202260105,
                                                0.07866661799819817],
                         'last_grad': [4.0, 8.0, 12.0, 16.0, 20.0, 24.0, 28.0, 32.0, 36.0, 40.0],
                         'train': [21.054375943748525, -3.355215533318883, -10.912627719101703, 2.5457026539308236,
                                   13.334192484296818, -7.377757014512471, -8.427546612082022, 5.499898731649584,
                                   7.416762761967522, -10.032573991831223, 18.224550274574653, -2.5905994094930156,
                                   -9.537696566202705, 0.7871382782617237, 11.611964904588369, -6.156680579234967,
                                   -8.654558479814032, 5.233231642454781, 6.067377877045585, -7.825612001937554,
                                   18.188693895337302, -3.2428329881736273, -8.49772631863992, -0.36553171627886666,
                                   12.126284122966435, -6.2269215166478435, -7.588229340498189, 4.620113884063894,
                                   6.17741053370726, -8.02763557373768, 17.453685566534464, -3.10711528512431,
                                   -8.873651028007327, 0.6106004227779371, 11.132085987465825, -5.647632860700611,
                                   -7.960256824960467, 5.699675321823757, 5.6600345169459825, -7.470091286601121]}}}
