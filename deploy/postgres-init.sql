-- The engines' tracker store lives in its own database beside the app's.
CREATE DATABASE trolyao_tracker OWNER trolyao;
