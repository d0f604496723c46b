-- v002: Activity Log usage tables
SELECT 1;
