"""The SimPy model of one replication: CountyModel (county.py) and one module per mechanism."""
