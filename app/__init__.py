"""Slopes: optimizer trajectories on 2-D surfaces, computed exactly as torch.optim would."""
